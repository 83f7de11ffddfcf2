#pragma once
/// @file
/// @brief A sweep across the ranks of an MPI job (`mpirun -np N neurotlm sweep ...`). Rank 0 runs
/// the sweep as on one machine (sweep/runner.h: the results folder, resuming, the progress line)
/// through an MpiExecutor, which hands each point to a worker rank as that rank finishes its
/// last one; ranks 1..N-1 run run_mpi_worker(): each point a child process of the rank (a
/// LocalExecutor, so a crashing point cannot take the rank down, and a killed rank takes its
/// points with it), the outcome sent back to rank 0. Points read and write the results folder
/// themselves: on a cluster it must be on a file system every node sees at the same path.
///
/// Built only when Boost.MPI and an MPI library are found (CMake option NEUROTLM_MPI).

#include <cstddef>
#include <memory>
#include <string>

#include "neurotlm/sweep/executor.h"

namespace neurotlm {

class MpiSession;
int run_mpi_worker(MpiSession& session, std::size_t jobs, const std::string& program);

/// @brief MPI for the life of the object: MPI_Init in the constructor, MPI_Finalize in the
/// destructor. One per process, made only by a command that uses MPI.
class MpiSession {
public:
    MpiSession();
    ~MpiSession();
    MpiSession(const MpiSession&) = delete;
    MpiSession& operator=(const MpiSession&) = delete;

    int rank() const;
    int size() const;

private:
    friend class MpiExecutor;
    friend int run_mpi_worker(MpiSession&, std::size_t, const std::string&);
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// @brief Rank 0's executor: the workers are ranks 1..N-1, each running up to `jobs_per_rank`
/// points at once. A point goes to the least busy worker with room, so a worker gets its next
/// point when it reports its last (a fast point never waits behind a slow one). The destructor
/// tells every worker the sweep is over.
class MpiExecutor : public Executor {
public:
    MpiExecutor(MpiSession& session, std::size_t jobs_per_rank);
    ~MpiExecutor() override;
    MpiExecutor(const MpiExecutor&) = delete;
    MpiExecutor& operator=(const MpiExecutor&) = delete;

    std::size_t capacity() const override;
    std::size_t running() const override;
    void start(const PointJob& job) override;
    std::vector<PointOutcome> poll(std::chrono::milliseconds wait) override;
    void stop_all() override;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// Ranks 1..N-1: run the points rank 0 sends, up to @p jobs at once, each as a child process
/// of @p program (this rank's own executable, in place of the one rank 0 named), until rank 0
/// says the sweep is over. A stop request (SIGINT, SIGTERM) kills the rank's points and leaves
/// the job: rank 0 runs them again elsewhere or on the next resume. Returns 0, or 130 after a
/// stop.
int run_mpi_worker(MpiSession& session, std::size_t jobs, const std::string& program);

} // namespace neurotlm
