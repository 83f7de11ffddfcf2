#pragma once
/// @file
/// @brief Ternary networks trained in situ on training units ("kind": "gxnor_training").
///
/// A fully connected network (input, hidden widths, classes) is trained by GXNOR (Deng et al.,
/// Neural Networks 2018): ternary weights, batch norm, ternary activations with the
/// straight-through window, squared hinge loss on +-1 targets, Adam's proposed step turned into
/// discrete transitions. Each layer runs on one training_unit block: the feed-forward pass on
/// its array of two-MTJ synapses, the backward pass and the proposed step in its near-memory
/// arithmetic, the transitions as write pulses realised by stochastic MTJ switching. Beside it,
/// with the same data, initial weights and random numbers, the same network is trained in
/// software with exact Bernoulli draws, so the two accuracy curves differ only by the devices.
///
/// Per epoch a record is appended, as it is produced, to OUT.training/epochs.jsonl (and .csv):
/// loss, training and test accuracy (final and best so far) of both, MTJs pulsed and switched,
/// intended and realised switching probabilities, energy, latency and TOPS/W of the
/// feed-forward and update work. A checkpoint after each epoch lets `neurotlm run --resume`
/// continue an interrupted run exactly where it stopped.
///
///   "workload": { "kind": "gxnor_training", "hidden": [256], "epochs": 10, "batch": 100,
///                 "learning_rate": {"start": 0.003, "end": 0.0003},
///                 "dataset": {"train_limit": 0, "test_limit": 0} }

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "neurotlm/blocks/training_unit/gxnor.h"
#include "neurotlm/workloads/dataset.h"
#include "neurotlm/workloads/workload.h"

namespace neurotlm {

class TrainingUnitDriver;

class GxnorTraining : public Workload {
public:
    static ParamTable param_table();
    GxnorTraining(const Params& params, const PlatformInfo& platform);
    ~GxnorTraining() override;

    const char* kind() const override { return "gxnor_training"; }
    void run(RunContext& context) override;
    json results() const override;
    WorkloadTotals totals() const override;
    std::vector<std::string> setup_phases() const override {
        return {"program", "evaluate", "checkpoint"};
    }
    std::string summary() const override;
    json resolved_paths() const override;
    bool set_output(const std::string& dir, bool resume) override;

    static double estimate_bytes(const Params& p, const PlatformInfo& platform);

    /// One epoch's record (what epochs.jsonl holds).
    const std::vector<json>& epochs() const { return m_records; }
    /// The hardware network's layers after the run (trained weights, for tests and export).
    const std::vector<std::vector<std::int8_t>>& trained_weights() const { return m_trained; }

private:
    struct Side; // one network being trained: hardware or software
    void load_data(const Params& p, const PlatformInfo& platform);
    void write_checkpoint(int epochs_done) const;
    bool read_checkpoint();
    void append_record(const json& record) const;
    void export_network(const std::string& path) const;

    std::vector<int> m_widths; ///< input, hidden..., classes
    std::vector<std::string> m_units;
    Dataset m_train, m_test;
    std::string m_train_images, m_train_labels, m_test_images, m_test_labels;
    int m_epochs = 10, m_batch = 100;
    double m_lr_start = 0.003, m_lr_end = 0.0003;
    bool m_software = true;
    GxnorHyper m_hyper;
    std::uint64_t m_seed = 0;
    std::string m_live_dir; ///< OUT.training
    bool m_resume = false;
    int m_start_epoch = 0;
    int m_stop_after = 0;
    json m_fingerprint; ///< what a checkpoint must have been written by

    std::unique_ptr<Side> m_hw, m_sw;
    std::vector<json> m_records;
    std::vector<std::vector<std::int8_t>> m_trained;
    std::uint64_t m_images_trained = 0, m_images_requested = 0;
    bool m_complete = false;
};

} // namespace neurotlm
