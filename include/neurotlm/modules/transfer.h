#pragma once
/// @brief The TLM-2.0 extensions by which an initiator tells the interconnect and the targets
/// what a transfer is in hardware, while the payload's bytes stay in the simulator's functional
/// format (float32 activations):
/// - WidthExtension: the hardware width of the elements the data holds (8-bit activations,
///   21-bit partial sums); routers charge wire energy and bus beats for the hardware bits, and
///   Component windows count port beats and array accesses (a buffer's words) in them.
/// - MulticastExtension: one write delivered to several targets (a layer's input to every tile
///   that shares it); a router charges it once on its wires and fans it out.
/// - LookAheadExtension: on a debug transport (no simulated time), a LookAheadRequest for the
///   target the address decodes to; routers forward it like any debug access.
/// All are ignored by targets that do not know them; a payload without them is plain bytes.

#include <cstdint>
#include <vector>

#include <tlm>

#include "neurotlm/drivers/initiator.h"

namespace neurotlm {

struct WidthExtension : tlm::tlm_extension<WidthExtension> {
    ElementWidth width;
    tlm::tlm_extension_base* clone() const override { return new WidthExtension(*this); }
    void copy_from(const tlm::tlm_extension_base& other) override {
        width = static_cast<const WidthExtension&>(other).width;
    }
};

struct MulticastExtension : tlm::tlm_extension<MulticastExtension> {
    /// Every destination in the address space of the router that receives the payload; the
    /// payload's own address is the first.
    std::vector<std::uint64_t> addresses;
    /// Set by the router that delivered the write to all of them. A target that ignores the
    /// extension leaves it false, and the router upstream then writes the rest one by one.
    bool handled = false;
    tlm::tlm_extension_base* clone() const override { return new MulticastExtension(*this); }
    void copy_from(const tlm::tlm_extension_base& other) override {
        const auto& o = static_cast<const MulticastExtension&>(other);
        addresses = o.addresses;
        handled = o.handled;
    }
};

struct LookAheadExtension : tlm::tlm_extension<LookAheadExtension> {
    const LookAheadRequest* request = nullptr;
    bool taken = false; ///< set by the target that computed the outputs
    tlm::tlm_extension_base* clone() const override { return new LookAheadExtension(*this); }
    void copy_from(const tlm::tlm_extension_base& other) override {
        const auto& o = static_cast<const LookAheadExtension&>(other);
        request = o.request;
        taken = o.taken;
    }
};

/// The element width a payload declares ({0, 0}: plain bytes).
inline ElementWidth width_of(const tlm::tlm_generic_payload& t) {
    const WidthExtension* e = t.get_extension<WidthExtension>();
    return e ? e->width : ElementWidth{};
}

/// Whole hardware bytes (rounded up) of @p len bytes of data of width @p w.
inline std::uint64_t hardware_bytes(const ElementWidth& w, std::uint64_t len) {
    return (w.hardware_bits(len) + 7) / 8;
}

} // namespace neurotlm
