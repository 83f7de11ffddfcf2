#pragma once
/// @brief Trace operations, registered by each block type beside its driver, so the `trace`
/// workload replays operations on any block type. A trace line names an operation and a
/// component; the component's block type decides which operations exist, validates each line
/// when the trace is loaded (errors name the file, the line and the JSON pointer) and replays
/// it through its driver.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "neurotlm/drivers/run_context.h"

namespace neurotlm::trace {

using json = nlohmann::json;

/// What a step can do while the trace is replayed.
class Replay {
public:
    virtual ~Replay() = default;
    virtual RunContext& context() = 0;
    /// Run @p work as set-up (the "program" phase), then return to the current phase.
    virtual void setup(const std::function<void()>& work) = 0;
    /// Report one finished item (an MVM, a recall) with its output, its source line and the
    /// arithmetic operations it stands for.
    virtual void item(int line, const std::string& component, json output, double ops) = 0;
};

/// One validated line.
class Step {
public:
    virtual ~Step() = default;
    virtual void run(Replay& replay) = 0;
    /// Items (reported through Replay::item) this step will produce when it runs.
    virtual std::uint64_t items() const { return 0; }
};

/// Where a line came from, for errors, and what the loader offers a parser.
struct Line {
    int number = 0;
    std::string where;    ///< "file:line", the "file" of a ConfigError
    std::string base_dir; ///< relative paths in the line resolve against this
    /// A 2-D float32 .npy file (inputs x outputs): throws ConfigError at @p pointer when it is
    /// not one. Each distinct file is read once per trace and shared by every line naming it.
    std::function<std::shared_ptr<const std::vector<float>>(
        const std::string& path, const std::string& pointer, int& rows, int& cols)>
        read_matrix;
};

/// One component named in the trace: it validates lines in order (keeping whatever state the
/// checks need: programmed, a result pending...) and holds the driver at replay time.
class Component {
public:
    virtual ~Component() = default;
    /// Validate @p line (its "op" already known to this block type, its keys checked) and
    /// return the step that replays it; throw ConfigError(line.where, pointer, ...) otherwise.
    virtual std::unique_ptr<Step> parse(const std::string& op, const json& line,
                                        const Line& where) = 0;
    /// Before replay: build the driver on @p bus at @p address (it may check the block on its
    /// first use).
    virtual void attach(Initiator& bus, std::uint64_t address) = 0;
};

/// A block type's operations.
struct BlockOps {
    std::string type; ///< the block type name ("crossbar_tile")
    /// Operation name -> the keys a line of it may have besides "op" and "component".
    std::map<std::string, std::vector<std::string>> ops;
    /// What a replayed item is called in reports ("mvm", "recall").
    std::string item_name;
    std::function<std::unique_ptr<Component>(const ComponentInfo&)> create;
    /// Bytes one line on component @p info may hold besides what the line spells out (a tile
    /// pads its input to its rows and keeps an output of its columns), for the trace's memory
    /// estimate; none if not given. Numbers written in a line and .npy files are counted by the
    /// trace itself.
    std::function<double(const ComponentInfo& info)> step_bytes;
};

/// Register @p ops (from the block's own source file: NEUROTLM_REGISTER_TRACE_OPS).
bool add(BlockOps ops);
const BlockOps* find(const std::string& type);
/// Every operation name of every block type, sorted, for error messages.
std::vector<std::string> all_operations();

/// The elements of @p v as float32: a non-empty array of finite numbers within float32 range
/// (values are stored as float32 in the blocks' windows), else ConfigError at @p pointer.
std::vector<float> float_vector(const json& v, const std::string& pointer,
                                const std::string& where);

} // namespace neurotlm::trace

/// Register the trace operations built by FUNCTION (returning trace::BlockOps).
#define NEUROTLM_REGISTER_TRACE_OPS(FUNCTION)                                                      \
    static const bool neurotlm_trace_ops_##FUNCTION = ::neurotlm::trace::add(FUNCTION())
