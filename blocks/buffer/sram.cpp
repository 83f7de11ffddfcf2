#include "neurotlm/blocks/buffer/sram.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "neurotlm/core/cycles.h"
#include "neurotlm/core/error.h"

namespace neurotlm {

namespace {
constexpr double kE64At8KiB_J = 10e-12; // Horowitz ISSCC 2014, 45 nm, 64-bit read of 8 KB
constexpr double k8KiB = 8192.0;
} // namespace

// Horowitz's figures are for whole arrays, their internal banking and wiring included: the
// energy follows the capacity; banks change throughput only.
double SramSpec::model_word_J() const {
    return kE64At8KiB_J * energy_scale * std::sqrt(capacity_bytes / k8KiB) * word_bits / 64.0;
}

namespace {
/// Length of a register file's bit line: the bank's words stacked at the placed pitch of one
/// stored bit (its gate equivalents laid out square).
double register_file_line_m(const SramSpec& s) {
    const double pitch = std::sqrt(SramSpec::kRegisterFileGatesPerBit * s.technology.gate_area_m2);
    return s.bank_words() * pitch;
}
constexpr double kDataActivity = 0.5;
constexpr double kMux2Gates = SramSpec::kRegisterFileGatesPerBit - Technology::kFlipFlopGates;
} // namespace

double SramSpec::register_file_write_J() const {
    const Technology& t = technology;
    return kDataActivity * t.register_energy_J(word_bits) +
           word_bits * t.wire_energy_J(register_file_line_m(*this), kDataActivity);
}

double SramSpec::register_file_read_J() const {
    const Technology& t = technology;
    const double levels = std::ceil(std::log2(std::max(2.0, bank_words())));
    return word_bits * (levels * kMux2Gates * t.gate_energy_J() * kDataActivity +
                        t.wire_energy_J(register_file_line_m(*this), kDataActivity));
}

double SramSpec::read_word_J() const {
    if (read_energy_J > 0.0) return read_energy_J;
    return kind == BufferKind::register_file ? register_file_read_J() : model_word_J();
}

double SramSpec::write_word_J() const {
    if (write_energy_J > 0.0) return write_energy_J;
    return kind == BufferKind::register_file ? register_file_write_J() : model_word_J();
}

double SramSpec::area_m2() const {
    return capacity_bytes * 8.0 * cell_area_m2 / array_efficiency;
}

double SramSpec::leakage_W() const {
    return capacity_bytes * 8.0 * leakage_per_bit_W;
}

std::uint64_t SramSpec::words(std::uint64_t offset, std::uint64_t len) const {
    if (len == 0) return 0;
    const std::uint64_t w = static_cast<std::uint64_t>(word_bytes());
    return (offset + len - 1) / w - offset / w + 1;
}

std::uint64_t SramSpec::cycles(std::uint64_t n) const {
    const std::uint64_t b = static_cast<std::uint64_t>(banks);
    const std::uint64_t rounds = (n + b - 1) / b;
    const std::uint64_t each = cycles_for(access_time_s, clock_Hz);
    if (each != 0 && rounds > ~std::uint64_t{0} / each)
        throw InputError("buffer: an access takes too many clock cycles to count");
    return rounds * each;
}

const SpecTable<SramSpec>& SramSpec::table() {
    static const SpecTable<SramSpec> table = [] {
        SpecTable<SramSpec> t;
        t.choice<BufferKind>(
            "kind", NEUROTLM_FIELD(kind),
            {{"sram", BufferKind::sram}, {"register_file", BufferKind::register_file}}, "sram",
            "what the bits are built from: \"sram\" (6T cells, Horowitz's energies) or "
            "\"register_file\" (flip-flops and a read multiplexer in the technology's "
            "gates)");
        t.number("capacity", Unit::byte, NEUROTLM_FIELD(capacity_bytes), "64 KiB",
                 "capacity of the whole buffer", 8.0, 1024.0 * 1024 * 1024);
        t.integer("word_bits", NEUROTLM_FIELD(word_bits), 64,
                  "bits one bank reads or writes per access (a multiple of 8)", 8, 4096);
        t.integer("banks", NEUROTLM_FIELD(banks), 1,
                  "independent banks; consecutive words interleave, so they work in parallel", 1,
                  1024);
        t.positive("access_time", Unit::second, NEUROTLM_FIELD(access_time_s), "1 ns",
                   "time of one word access of a bank (default 1 ns: assumed)");
        t.number("read_energy", Unit::joule, NEUROTLM_FIELD(read_energy_J), 0.0,
                 "energy of one word read; 0 = 10 pJ x sqrt(capacity / 8 KiB) x word_bits / 64 "
                 "(Horowitz ISSCC 2014, 45 nm, 0.9 V) x the technology's C V^2 over that",
                 0.0);
        t.number("write_energy", Unit::joule, NEUROTLM_FIELD(write_energy_J), 0.0,
                 "energy of one word write; 0 = the read model (assumed equal to a read)", 0.0);
        t.positive("cell_area", Unit::square_metre, NEUROTLM_FIELD(cell_area_m2), nullptr,
                   "area of one bit; default: sram: the technology's sram_cell_area (45 nm: "
                   "0.346 um^2, Intel, Mistry et al., IEDM 2007); register_file: 8 gate "
                   "equivalents (a flip-flop and a 2:1 multiplexer)")
            .optional();
        t.positive("array_efficiency", Unit::none, NEUROTLM_FIELD(array_efficiency), 0.7,
                   "cell area over total area (default 0.7: assumed)", 0.0, 1.0);
        t.number("leakage_per_bit", Unit::watt, NEUROTLM_FIELD(leakage_per_bit_W), nullptr,
                 "static power of one bit; default: sram: the technology's gate_leakage (a 6T "
                 "cell leaks about as one gate equivalent: assumed); register_file: that of "
                 "its 8 gate equivalents",
                 0.0)
            .optional();
        return t;
    }();
    return table;
}

SramSpec SramSpec::in_technology(const Params& p, const Technology& tech) {
    SramSpec s = table().build(p);
    s.technology = tech;
    const bool flops = s.kind == BufferKind::register_file;
    if (!p.present("cell_area"))
        s.cell_area_m2 = flops ? tech.area_m2(kRegisterFileGatesPerBit) : tech.sram_cell_area_m2;
    if (!p.present("leakage_per_bit"))
        s.leakage_per_bit_W = flops ? tech.leakage_W(kRegisterFileGatesPerBit)
                                    : tech.gate_leakage_W * kCellLeakageOverGate;
    s.energy_scale = tech.energy_scale_from_45nm();
    return s;
}

void SramSpec::check() const {
    if (const auto out = table().check(*this); !out.empty())
        throw InputError("buffer: " + out.front());
    if (word_bits % 8 != 0)
        throw InputError("buffer: word_bits must be a multiple of 8, got " +
                         std::to_string(word_bits));
    const double bank_words = capacity_bytes / banks / word_bytes();
    if (bank_words < 1.0 || bank_words != std::floor(bank_words))
        throw InputError("buffer: the capacity must be a whole number of words in every bank");
}

EnergyTable sram_energy_table(const SramSpec& spec) {
    return {
        {"word_read", spec.read_word_J(), "one word read from a bank", energy_class::buffers},
        {"word_write", spec.write_word_J(), "one word written to a bank", energy_class::buffers},
    };
}

} // namespace neurotlm
