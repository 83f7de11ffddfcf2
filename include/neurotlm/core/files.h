#pragma once
/// @file
/// @brief Every file the project reads or writes goes through here, so that the same rules hold
/// everywhere:
///  - an input must be a regular file (a FIFO, a device or a folder is refused before anything is
///    read, so nothing can hang or read without end), and its size is checked before reading;
///  - a JSON text is parsed with its nesting depth bounded and each object's keys unique, and a
///    problem is reported with the line:column or the JSON pointer;
///  - an output file is written to a temporary sibling, flushed to disk and renamed over the old
///    one, so a reader sees the old file or the whole new one, never a part; every write error
///    is checked;
///  - text from the input that ends up in a message is escaped (see printable()).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace neurotlm {

/// Deepest nesting of arrays and objects accepted in any JSON input (a platform file, a network,
/// a device preset, a trace line, a --set value). Real files nest well under 10 levels.
inline constexpr int kMaxJsonDepth = 64;

/// Check that `path` names a readable regular file and return its size in bytes. Throws
/// InputError naming the path and what is wrong (missing, a loop of symbolic links, a folder, a
/// FIFO or device, unreadable). `what` says what the file is for ("the platform file").
std::uint64_t check_input_file(const std::string& path, const std::string& what);

/// Read a whole regular file of at most `max_bytes` (checked before reading).
std::string read_input_file(const std::string& path, std::uint64_t max_bytes,
                            const std::string& what);

/// Parse a JSON text. `where` prefixes messages (a file name, or "file:line" for one line of a
/// JSON-lines file). Syntax errors give where:line:column; a nesting deeper than kMaxJsonDepth
/// or a key given twice in one object give the JSON pointer. All are InputError.
nlohmann::json parse_json_text(const std::string& text, const std::string& where);

/// Check, before a long computation, that `path` could be written: not a folder, in a folder
/// that exists (or can be created) and is writable. `what` names the option ("--out").
void check_output_file(const std::string& path, const std::string& what);

/// Write `text` to `path` atomically (temporary sibling, fsync, rename) with every error
/// checked; an InputError names the path and the reason (a full disk, no permission, ...).
void write_file_atomic(const std::string& path, const std::string& text);

/// `text` safe to print on a terminal: control characters become \\u00XX and bytes that are not
/// UTF-8 become \\xXX, so input cannot move the cursor or clear the screen when a message quotes
/// it. Newlines and tabs are kept only if `keep_layout` (for whole messages the project wrote).
std::string printable(std::string_view text, bool keep_layout = false);

/// True if `text` is UTF-8 (what a JSON document may hold).
bool valid_utf8(std::string_view text);

/// A JSON document as text; a string that is not UTF-8 (a file name given on a command line can
/// be any bytes) is written with U+FFFD in place of the bad bytes instead of failing.
std::string dump_json(const nlohmann::json& document, int indent = -1);

/// The data folder (share/neurotlm: configs/, device presets, traces/) of the installed tree this
/// library was loaded from, found beside the library file itself, so a tree installed anywhere
/// or moved afterwards finds its own data. Empty when the library runs from a build tree.
std::string installed_data_dir();

} // namespace neurotlm

namespace neurotlm {

/// @brief An output folder that is replaced as a whole, by one writer at a time.
///
/// The files are written into a fresh hidden sibling (".<name>.staging-<pid>") and commit() swaps
/// it with the folder in one rename, so at every instant the folder holds either the previous
/// complete output or the new complete output, never a mix, whatever kills the process. An
/// exclusive lock on ".<name>.lock" beside it is held from construction to destruction: a second
/// process writing the same folder is refused at once (InputError), before it runs anything.
/// Leftovers of killed writers (stale staging folders) are removed when the lock is taken.
class OutputFolder {
public:
    /// Claim `path`. Refused (InputError): a path that exists and is not a folder; a non-empty
    /// folder that does not hold `marker` (not something this project wrote, so not ours to
    /// replace); a folder that holds one of `inputs` (replacing it would delete the input); a
    /// place where nothing can be created; a folder another process is writing.
    OutputFolder(const std::string& path, const std::string& marker,
                 const std::vector<std::string>& inputs = {});
    ~OutputFolder();
    OutputFolder(const OutputFolder&) = delete;
    OutputFolder& operator=(const OutputFolder&) = delete;

    /// The folder as given.
    const std::string& path() const { return m_path; }
    /// Write one file into the staged folder (write_file_atomic's checks).
    void write(const std::string& name, const std::string& text);
    /// Where a file named `name` is staged, for writers that need a path.
    std::string staged(const std::string& name) const;
    /// Make the staged files the folder's content, replacing what was there.
    void commit();

private:
    std::string m_path, m_staging, m_lock_path;
    int m_lock_fd = -1;
    bool m_committed = false;
};

} // namespace neurotlm
