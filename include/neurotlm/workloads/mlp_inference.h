#pragma once
/// @brief Network inference on crossbar tiles ("kind": "mlp_inference": MLPs and CNNs alike).
/// Each dense or convolution layer's matrix (plus a bias row when it has a bias) is split into
/// tile-sized blocks, one tile per block, weight-stationary: the weights are programmed once
/// (a setup phase), then for every image all tiles of a layer are started together and
/// collected (a convolution once per output pixel, its input patch unrolled onto the rows:
/// im2col), partial sums from row blocks are added and the activation applied digitally at
/// the controller, as are pooling and residual adds. Accuracy is counted against the labels,
/// and the float software reference runs on the same images for comparison.
///
/// Input and ADC ranges are calibrated offline on the first images of the dataset with the
/// float network: per layer the largest input magnitude, per tile the largest partial sum.
///
/// When the tiles send their currents on analog links (`aout`) the network runs as an analog
/// chain instead: the structure (which tiles feed which neuron bank, which bank feeds which
/// tiles' rows) is read from the links and checked against the mapping; the controller writes
/// the first layer's inputs, starts its tiles and reads the last banks' outputs.
///
/// Early exits (parameters "exits.*", docs/early-exit.md): after chosen layers the controller
/// pools the features into a ternary semantic vector (semantic.h) and searches it in a CAM that
/// holds one prototype per class; a confident match ends the inference with that class.

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "neurotlm/workloads/dataset.h"
#include "neurotlm/workloads/mapper.h"
#include "neurotlm/workloads/network.h"
#include "neurotlm/workloads/semantic.h"
#include "neurotlm/workloads/workload.h"

namespace neurotlm {

class MlpInference : public Workload {
public:
    static ParamTable param_table();
    MlpInference(const Params& params, const PlatformInfo& platform);

    const char* kind() const override { return "mlp_inference"; }
    void run(RunContext& context) override;
    json results() const override;
    WorkloadTotals totals() const override;
    std::vector<std::string> setup_phases() const override { return {"program"}; }
    std::string summary() const override;
    std::vector<std::string> warnings() const override { return m_warnings; }
    json resolved_paths() const override;
    void set_batch(int images) override { m_batch = images < 1 ? 1 : images; }

    /// How each layer (weights plus a bias row) is cut into tiles.
    const std::vector<MatrixMap>& mapping() const { return m_map; }

    /// A neuron bank of an analog chain: the readouts of one column block of a layer.
    struct ChainBank {
        std::string name;
        int col0 = 0, cols = 0;  ///< the layer's outputs on its first neurons
        int parts = 1;           ///< the layer's row blocks, averaged at the neuron input
        bool linear = false;     ///< readout outputs without neurons (a last layer)
        double gain = 0.0;       ///< readout gain the mapping sets (0: the configured one)
        double r_unit_ohm = 1e3; ///< the amplifier's R1 = R2
        double configured_gain = 0.0;
        /// readout.fit_gain: the mapping sets the gain from the network (a difference
        /// amplifier's linearised at the layer's mean line conductance); else as configured.
        bool fit_gain = true;
        bool difference = false; ///< the readout loads the lines (ReadoutKind::difference)
    };
    struct ChainLayer {
        std::vector<ChainBank> banks; ///< one per column block
        double swing_V = 0.0;         ///< the neurons' output swing (rail_low is 0 V)
        double center_V = 0.0;        ///< fitted reverse sigmoid of the nominal neuron
        double scale_V = 0.0;
    };
    /// The analog chain, one entry per layer; empty when activations are digital.
    const std::vector<ChainLayer>& chain() const { return m_chain; }

    /// What one image did at the exits: per exit whether it got there, the CAM's best class,
    /// its distance and the runner-up's (-1: none); the network's own answer (-1: not reached);
    /// the measured dynamic energy and time of each segment (the layers up to the first exit,
    /// ..., those after the last with the final decision) and of each exit (reading the
    /// features back, pooling, quantisation, the search), and of that the CAM's own search (its
    /// dynamic energy, and the time from loading the key to the result).
    struct ExitRecord {
        int label = -1, final_class = -1;
        std::vector<char> reached;
        std::vector<int> best, best_distance, second_distance;
        std::vector<double> segment_J, segment_s, exit_J, exit_s, cam_J, cam_s;
    };
    /// Where one image leaves under per-exit thresholds, and what it cost.
    struct ExitOutcome {
        int exit = 0;       ///< the exit taken; exits() for the full network
        int predicted = -1; ///< -1 when there is no answer (a stopped image not reached)
        double macs = 0.0, network_J = 0.0, network_s = 0.0, exit_J = 0.0, exit_s = 0.0;
        double cam_J = 0.0, cam_s = 0.0; ///< of exit_J, exit_s: the CAMs' searches
    };
    int exits() const { return m_exits ? static_cast<int>(m_exits->memory.exits.size()) : 0; }
    ExitOutcome exit_outcome(const ExitRecord& r, const std::vector<int>& thresholds) const;

private:
    struct Drivers;
    /// The parameters "exits.*" resolved: the semantic memory (its exits in layer order), one CAM
    /// per exit, the rule and its thresholds.
    struct ExitPlan {
        std::string memory_path;
        SemanticMemory memory;
        std::vector<std::string> cams; ///< per exit
        std::vector<int> cam_bits;     ///< per exit: the CAM's word width (>= the vector's)
        std::vector<int> threshold;    ///< per exit
        bool margin_rule = true;       ///< else distance
        bool stop = false;             ///< an image that exits stops there
        bool sweep = true;
        std::vector<int> exit_at;  ///< per layer: the exit after it, or -1
        std::vector<double> macs;  ///< per exit: MACs of the layers up to it
        double leakage_cams_W = 0; ///< measured at run time
        double leakage_total_W = 0;
    };
    /// Reads "exits.*" (ConfigError at the offending parameter).
    void plan_exits(const Params& p, const PlatformInfo& platform);
    /// Does exit @p k of record @p r end the inference at threshold @p t?
    bool exit_decides(const ExitRecord& r, std::size_t k, int t) const;
    /// The exit's work on layer output @p y: pooling, quantisation and the search, booked at the
    /// controller and the CAM; fills exit @p k of @p r.
    void search_exit(RunContext& ctx, Drivers& d, std::size_t k, const std::vector<float>& y,
                     ExitRecord& r);
    /// results()["early_exit"].
    json exit_results() const;
    /// Input and ADC ranges from the float network; a network whose partial sums overflow the
    /// tiles' float32 is a ConfigError at @p network_pointer of @p file.
    void calibrate(const PlatformInfo& platform, const std::string& network_pointer);
    /// Drivers for every block, the weights programmed (the set-up phase).
    void program_tiles(RunContext& ctx, Drivers& drivers);
    /// Images @p first .. first + count - 1 layer by layer through the tiles at once, offered
    /// to each tile as reads ahead (infer() then finds them computed); stops at the first tile
    /// that declines. Networks without convolutions.
    void look_ahead(Drivers& drivers, int first, int count) const;
    /// One image through the layers; returns the predicted class.
    int infer(RunContext& ctx, Drivers& drivers, int image);
    /// Layer @p l of an analog chain from the platform's links, checked against its blocks (and
    /// the previous layer's banks); ConfigError at the offending link or parameter.
    void plan_chain_layer(const PlatformInfo& platform, std::size_t l);
    /// Readout gains: a pre-activation of 1 reaches the neuron input as the fitted scale_V; the
    /// tiles of a layer must give the same current per unit (else ConfigError at @p file /
    /// @p tiles_pointer).
    static double mean_line_conductance(const MatrixMap& lm);
    void set_chain_gains(const std::string& file, const std::string& tiles_pointer);
    /// One image through the analog chain; returns the predicted class.
    int infer_chain(RunContext& ctx, Drivers& drivers, int image);
    /// The images (and labels) the parameters "dataset.*" name, or make.
    void load_dataset(const Params& p, const PlatformInfo& platform);
    /// The activation buffer (the parameter "buffer"), checked to hold the activations that
    /// live at once (plan_buffer_slots()).
    void find_buffer(const Params& p, const PlatformInfo& platform);
    /// The copies the parameter "copies" asks for, on the tiles left free.
    void place_copies(const Params& p, const std::string& file);
    /// duplication "fill": copies of convolution layers on the tiles left free.
    void duplicate_layers();
    /// Buffer slots: each activation from its writer to its last reader, slots reused.
    void plan_buffer_slots();
    /// Rows of layer @p l's matrix on the tiles: its inputs and, if it has a bias, a bias row.
    int matrix_rows(std::size_t l) const;
    /// What layer @p l drives its tiles' rows with for output @p position (a convolution's
    /// patch, a dense layer's whole input) from its input tensor @p x, the bias row's input
    /// last.
    /// @p out holds matrix_rows(l) values.
    void layer_input(std::size_t l, const float* x, int position, float* out) const;
    /// Pooling, residual adds and activations, computed where the activations are: layer @p l's
    /// output @p y from its inputs (@p x, and @p skip for an add), or the activation on the
    /// weighted layer's sums already in @p y. Books the operations when @p ctx is given.
    void digital_layer(RunContext* ctx, std::size_t l, const float* x, const float* skip,
                       std::vector<float>& y) const;
    /// The tiles the network is mapped onto (the parameter "tiles").
    std::vector<const ComponentInfo*> find_tiles(const Params& p,
                                                 const PlatformInfo& platform) const;

    Network m_net;
    Dataset m_data;
    std::unique_ptr<TileMapper> m_mapper;
    std::string m_buffer;                  ///< activation buffer ("" = none)
    std::uint64_t m_buffer_slot_bytes = 0; ///< bytes of each slot (the widest activation)
    std::vector<int> m_slot; ///< [tensor + 1]: the slot the image (-1) or layer output is in
    int m_slots = 0;
    std::vector<MatrixMap> m_map; ///< per layer (no blocks for layers without weights)
    std::vector<bool> m_bias_row; ///< per layer: its matrix has a bias row
    /// A network with convolutions reads each image's patches ahead a chunk at a time (their
    /// reads alone fill the kernels), not whole batches of images layer by layer (which would
    /// hold every patch of a batch at once).
    bool m_convolutions = false;
    static constexpr int kPositionChunk = kReadAheadPositions;
    bool m_chain_mode = false;
    std::vector<ChainLayer> m_chain;
    int m_calibration = 0;
    int m_run_count = 0; ///< images run: all loaded, or stop_after
    int m_batch = kDefaultBatchImages;
    float m_margin = 1.0f;
    bool m_software = true;
    int m_record = 0;                          ///< images whose outputs are kept
    std::vector<std::vector<float>> m_outputs; ///< their outputs, in order
    std::string m_images, m_labels;            ///< "" when there are none
    bool m_random_images = false;

    // Results.
    std::uint64_t m_done = 0;
    std::uint64_t m_correct = 0;
    std::uint64_t m_sw_correct = 0;
    std::uint64_t m_agree = 0;
    double m_macs_per_image = 0;
    std::vector<std::string> m_warnings;
    /// per layer: RMS(encoded - trained) / RMS(trained); NaN (null) for layers without weights
    std::vector<double> m_weight_error;
    static constexpr int kMaxClasses = 65536;
    static constexpr double kMaxRecordedValues = 1e7;
    /// Above this relative RMS weight error a layer is reported as not held by its tiles.
    /// (The default platform's 16-level cells give 26% on fc1 without losing accuracy; 4-bit
    /// codes on the same network give 54% and lose 6 points.)
    static constexpr double kMaxWeightError = 0.5;
    void check_precision();
    std::vector<std::uint64_t> m_confusion; ///< classes x classes, row = label
    std::unique_ptr<ExitPlan> m_exits;      ///< null: no early exits
    std::vector<ExitRecord> m_exit_records; ///< per image run (the last may be unfinished)
    double m_macs_run = 0.0;                ///< MACs of the images done (less with exits that stop)
    /// The records of the images done (an embedded platform may report mid-image).
    std::size_t exit_records() const {
        return std::min<std::size_t>(m_exit_records.size(), static_cast<std::size_t>(m_done));
    }
    std::vector<int> m_exit_sense_errors; ///< per exit: searches the sensing got wrong
    int m_classes = 0;
};

} // namespace neurotlm
