#pragma once
// Workload results that are lists of records, as tables: the recall figures of each memory of a
// Hopfield array (with its latency and energy per recall from the phases), and any other array
// of flat objects. Internal to src/report/.

#include <string>

#include "neurotlm/core/params.h"
#include "neurotlm/report/report.h"

namespace neurotlm::html {

/// At most this many rows of a generic table; the rest stay in the page's JSON block.
inline constexpr std::size_t kMaxTableRows = 200;

/// True for a non-empty array whose every element is an object of scalars (strings, numbers,
/// booleans, nulls).
bool flat_object_array(const json& v);

/// A table with a column per key (in the order they first appear) and a row per object, under
/// a heading naming @p key; "" unless flat_object_array(@p rows).
std::string records_table(const std::string& key, const json& rows);

/// The "Recall per memory" section of a hopfield_recall run: memory, patterns, probes, exact
/// recall, mean overlap, mean iterations, converged, 2-cycles, failed writes, latency and energy
/// per recall; "" for any other workload.
std::string hopfield_memories(const Report& report);

} // namespace neurotlm::html
