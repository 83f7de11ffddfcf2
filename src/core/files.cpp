#include "neurotlm/core/files.h"

#include <dlfcn.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unordered_set>
#include <vector>

#include "neurotlm/core/error.h"
#include "neurotlm/core/memory.h"

namespace neurotlm {

namespace {

using json = nlohmann::json;

std::string name_of(const std::string& path, const std::string& what) {
    return printable(path) + (what.empty() ? std::string() : " (" + what + ")");
}

// Why open() failed, in the words a user needs.
std::string open_failure(int err) {
    switch (err) {
    case ENOENT: return "no such file";
    case ELOOP: return "a loop of symbolic links (or too many of them)";
    case EACCES:
    case EPERM: return "permission denied";
    case ENOTDIR: return "a part of the path is not a folder";
    case ENAMETOOLONG: return "the path is too long";
    default: return std::strerror(err);
    }
}

// A file descriptor that closes itself.
struct Fd {
    int fd = -1;
    explicit Fd(int f) : fd(f) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

// Open for reading without blocking (opening a FIFO with no writer would wait forever) and
// refuse anything but a regular file. Returns the descriptor and the size.
std::pair<int, std::uint64_t> open_regular(const std::string& path, const std::string& what) {
    if (path.empty()) throw InputError("an empty path was given for " + what);
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) throw InputError(name_of(path, what) + ": " + open_failure(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const int err = errno;
        ::close(fd);
        throw InputError(name_of(path, what) + ": cannot read: " + std::strerror(err));
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        const char* kind = S_ISDIR(st.st_mode)    ? "a folder"
                           : S_ISFIFO(st.st_mode) ? "a FIFO (named pipe)"
                           : S_ISCHR(st.st_mode)  ? "a character device"
                           : S_ISBLK(st.st_mode)  ? "a block device"
                           : S_ISSOCK(st.st_mode) ? "a socket"
                                                  : "not a regular file";
        throw InputError(name_of(path, what) + ": is " + kind +
                         "; expected a regular file (save the data to a file first)");
    }
    return {fd, static_cast<std::uint64_t>(st.st_size)};
}

// A first pass over a JSON text (SAX: no document is built) that knows the JSON pointer of the
// value being read, bounds the nesting and refuses a key given twice in one object. The
// document is built afterwards by the plain parser: nlohmann's callback parser would do both
// in one pass, but it rescans a parent array on every object's end (quadratic in its length).
class JsonCheck : public nlohmann::json_sax<json> {
public:
    explicit JsonCheck(const std::string& where) : m_where(where) {}

    bool null() override { return value(); }
    bool boolean(bool) override { return value(); }
    bool number_integer(number_integer_t) override { return value(); }
    bool number_unsigned(number_unsigned_t) override { return value(); }
    bool number_float(number_float_t, const string_t&) override { return value(); }
    bool string(string_t&) override { return value(); }
    bool binary(binary_t&) override { return value(); }
    bool start_object(std::size_t) override { return open(false); }
    bool start_array(std::size_t) override { return open(true); }
    bool end_object() override { return close(); }
    bool end_array() override { return close(); }
    bool key(string_t& k) override {
        Frame& f = m_frames.back();
        f.key = k;
        if (!f.keys.insert(k).second)
            throw InputError(m_where + ": " + pointer() +
                             ": this key appears twice in the same object; JSON readers "
                             "disagree on which one counts, so keep only one");
        return true;
    }
    bool parse_error(std::size_t, const std::string&,
                     const nlohmann::detail::exception& e) override {
        // Rethrown as the parser's own exception, which parse_json_text turns into line:column.
        if (const auto* pe = dynamic_cast<const json::parse_error*>(&e)) throw *pe;
        if (const auto* oe = dynamic_cast<const json::out_of_range*>(&e)) throw *oe;
        throw InputError(m_where + ": not valid JSON: " + printable(e.what()));
    }

private:
    struct Frame {
        bool array;
        std::size_t index;
        std::string key;
        std::unordered_set<std::string> keys;
    };

    bool open(bool array) {
        if (m_frames.size() >= static_cast<std::size_t>(kMaxJsonDepth))
            throw InputError(m_where + ": " + pointer() + ": nested deeper than " +
                             std::to_string(kMaxJsonDepth) +
                             " levels of arrays and objects; no neurotlm input needs that many "
                             "(is the file generated by a runaway script?)");
        m_frames.push_back({array, 0, {}, {}});
        return true;
    }
    bool close() {
        m_frames.pop_back();
        return value();
    }
    // A value ended: in an array, the next one has the next index.
    bool value() {
        if (!m_frames.empty() && m_frames.back().array) ++m_frames.back().index;
        return true;
    }

    std::string pointer() const {
        json::json_pointer p;
        for (const auto& f : m_frames) {
            if (f.array)
                p /= f.index;
            else
                p /= f.key;
        }
        const std::string s = p.to_string();
        return s.empty() ? "/" : printable(s);
    }

    std::string m_where;
    std::vector<Frame> m_frames;
};

bool utf8_continuation(unsigned char c) {
    return (c & 0xC0) == 0x80;
}

// Length of the valid UTF-8 sequence at text[i], or 0 if the bytes there are not UTF-8.
std::size_t utf8_length(std::string_view text, std::size_t i) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) return 1;
    if ((c & 0xE0) == 0xC0) {
        n = 2;
        cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3;
        cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (i + n > text.size()) return 0;
    for (std::size_t k = 1; k < n; ++k) {
        const auto b = static_cast<unsigned char>(text[i + k]);
        if (!utf8_continuation(b)) return 0;
        cp = (cp << 6) | (b & 0x3F);
    }
    // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8.
    static const std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    // C1 controls (U+0080..U+009F) act on terminals too: treat them as control characters.
    if (cp >= 0x80 && cp <= 0x9F) return 0;
    return n;
}

} // namespace

std::uint64_t check_input_file(const std::string& path, const std::string& what) {
    auto [fd, size] = open_regular(path, what);
    ::close(fd);
    return size;
}

std::string read_input_file(const std::string& path, std::uint64_t max_bytes,
                            const std::string& what) {
    auto [raw, size] = open_regular(path, what);
    Fd fd(raw);
    if (size > max_bytes)
        throw InputError(name_of(path, what) + ": " + format_bytes(static_cast<double>(size)) +
                         ", larger than the " + format_bytes(static_cast<double>(max_bytes)) +
                         " such a file can be");
    std::string text;
    text.resize(static_cast<std::size_t>(size));
    std::size_t got = 0;
    // Read at most one byte past the size seen: a file that grows meanwhile is refused, not
    // read without end.
    for (;;) {
        if (got == text.size()) {
            if (text.size() > max_bytes)
                throw InputError(name_of(path, what) + ": grew past " +
                                 format_bytes(static_cast<double>(max_bytes)) + " while read");
            text.resize(text.size() + 1);
        }
        const ssize_t n = ::read(fd.fd, text.data() + got, text.size() - got);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw InputError(name_of(path, what) + ": read failed: " + std::strerror(errno));
        }
        if (n == 0) break;
        got += static_cast<std::size_t>(n);
    }
    text.resize(got);
    return text;
}

json parse_json_text(const std::string& text, const std::string& raw_where) {
    const std::string where = printable(raw_where);
    try {
        JsonCheck check(where);
        json::sax_parse(text, &check, json::input_format_t::json, /*strict=*/true,
                        /*ignore_comments=*/false);
        return json::parse(text, nullptr, /*allow_exceptions=*/true, /*ignore_comments=*/false);
    } catch (const json::parse_error& e) {
        // Turn the byte offset into line:column, which is what an editor shows.
        std::size_t line = 1, col = 1;
        for (std::size_t i = 0; i + 1 < e.byte && i < text.size(); ++i) {
            if (text[i] == '\n') {
                ++line;
                col = 1;
            } else {
                ++col;
            }
        }
        std::string what = e.what();
        const auto pos = what.find("syntax error");
        if (pos != std::string::npos) what = what.substr(pos);
        throw InputError(where + ":" + std::to_string(line) + ":" + std::to_string(col) +
                         ": not valid JSON: " + printable(what));
    } catch (const json::exception& e) {
        // A number beyond a double's range (out_of_range.406) and the like.
        throw InputError(where + ": not valid JSON: " + printable(e.what()));
    }
}

void check_output_file(const std::string& path, const std::string& what) {
    namespace fs = std::filesystem;
    const std::string shown = what + " " + printable(path);
    if (path.empty()) throw InputError(what + ": an empty file name");
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (fs::is_directory(st)) throw InputError(shown + ": is a folder; give a file name");
    if (fs::exists(st) && !fs::is_regular_file(st))
        throw InputError(shown + ": exists and is not a regular file");
    fs::path parent = fs::path(path).parent_path();
    if (parent.empty()) parent = ".";
    fs::create_directories(parent, ec);
    if (ec) throw InputError(shown + ": cannot create its folder: " + ec.message());
    if (::access(parent.c_str(), W_OK) != 0)
        throw InputError(shown + ": cannot write in " + printable(parent.string()) + ": " +
                         open_failure(errno));
}

void write_file_atomic(const std::string& path, const std::string& text) {
    const std::string tmp = path + ".tmp." + std::to_string(::getpid());
    const auto fail = [&](const std::string& doing, int err) {
        ::unlink(tmp.c_str());
        const char* hint = err == ENOSPC || err == EDQUOT ? " (is the disk full?)"
                           : err == EFBIG                 ? " (a file size limit: ulimit -f)"
                           : err == EACCES || err == EPERM || err == EROFS
                               ? " (is the folder writable?)"
                               : "";
        throw InputError(printable(path) + ": " + doing + ": " + std::strerror(err) + hint);
    };
    const int raw = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (raw < 0) fail("cannot write", errno);
    Fd fd(raw);
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd.fd, text.data() + done, text.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("write failed", errno);
        }
        done += static_cast<std::size_t>(n);
    }
    // The data must be on disk before the rename makes it visible under the real name.
    if (::fsync(fd.fd) != 0) fail("write failed", errno);
    fd.fd = -1;
    if (::close(raw) != 0) fail("write failed", errno);
    if (::rename(tmp.c_str(), path.c_str()) != 0) fail("cannot replace the file", errno);
}

bool valid_utf8(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t n = utf8_length(text, i);
        // utf8_length refuses C1 controls for printing; they are valid UTF-8 all the same.
        if (n == 0 && c == 0xC2 && i + 1 < text.size() &&
            (static_cast<unsigned char>(text[i + 1]) & 0xE0) == 0x80)
            n = 2;
        if (n == 0) return false;
        i += n;
    }
    return true;
}

std::string dump_json(const json& document, int indent) {
    return document.dump(indent, ' ', false, json::error_handler_t::replace);
}

std::string printable(std::string_view text, bool keep_layout) {
    std::string out;
    out.reserve(text.size());
    char buf[8];
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x20 || c == 0x7F) {
            if (keep_layout && (c == '\n' || c == '\t')) {
                out += static_cast<char>(c);
            } else {
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            }
            ++i;
            continue;
        }
        const std::size_t n = utf8_length(text, i);
        if (n == 0) {
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
            ++i;
            continue;
        }
        out.append(text.substr(i, n));
        i += n;
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// OutputFolder

namespace {

namespace fs = std::filesystem;

bool inside(const fs::path& child, const fs::path& folder) {
    auto c = child.begin();
    for (auto f = folder.begin(); f != folder.end(); ++f, ++c)
        if (c == child.end() || *c != *f) return false;
    return true;
}

void sync_folder(const fs::path& folder) {
    const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd); // best effort: some file systems refuse fsync on folders
    ::close(fd);
}

} // namespace

OutputFolder::OutputFolder(const std::string& path, const std::string& marker,
                           const std::vector<std::string>& inputs)
    : m_path(path) {
    const std::string shown = printable(path);
    if (path.empty()) throw InputError("an empty output folder name was given");
    std::error_code ec;
    fs::path target = fs::absolute(path, ec).lexically_normal();
    if (ec) throw InputError(shown + ": cannot use as an output folder: " + ec.message());
    if (!target.has_filename()) target = target.parent_path(); // "out/" -> "out"
    const fs::path parent = target.parent_path();
    const std::string name = target.filename().string();
    if (name.empty() || target == target.root_path())
        throw InputError(shown + ": cannot replace a file system's root; choose a sub-folder");

    const fs::path cwd = fs::current_path(ec);
    if (!ec && inside(fs::weakly_canonical(cwd, ec), fs::weakly_canonical(target, ec)))
        throw InputError(shown + ": is (or holds) the current folder; the output folder is "
                                 "replaced as a whole, so choose one outside it");
    fs::create_directories(parent, ec);
    if (ec)
        throw InputError(shown + ": cannot create the folder " + printable(parent.string()) + ": " +
                         ec.message());

    m_lock_path = (parent / ("." + name + ".lock")).string();
    m_lock_fd = ::open(m_lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (m_lock_fd < 0)
        throw InputError(shown + ": cannot write in " + printable(parent.string()) + ": " +
                         open_failure(errno));
    if (::flock(m_lock_fd, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        ::close(m_lock_fd);
        m_lock_fd = -1;
        if (err == EWOULDBLOCK)
            throw InputError(shown + ": another neurotlm process is writing this folder now; "
                                     "wait for it to finish or choose another output folder");
        throw InputError(shown + ": cannot lock " + printable(m_lock_path) + ": " +
                         std::strerror(err));
    }
    try {
        // From here on the folder is ours; check it may be replaced.
        const fs::file_status st = fs::status(target, ec);
        if (fs::exists(st)) {
            if (!fs::is_directory(st)) throw InputError(shown + ": exists and is not a folder");
            if (!fs::is_empty(target, ec) && !fs::exists(target / marker, ec))
                throw InputError(shown + ": is a folder with other content (no " + marker +
                                 "); it is replaced as a whole, so choose a new or empty folder");
            const fs::path real = fs::weakly_canonical(target, ec);
            for (const auto& in : inputs) {
                if (in.empty()) continue;
                if (inside(fs::weakly_canonical(in, ec), real))
                    throw InputError(shown + ": holds the input " + printable(in) +
                                     ", which replacing the folder would delete; write the "
                                     "output elsewhere");
            }
        }
        // Staging folders of writers that were killed: the lock says nobody is using them.
        // Only ".<name>.staging-<digits>" (and its ".old"): another folder's names never match.
        const std::string stale = "." + name + ".staging-";
        for (const auto& e : fs::directory_iterator(parent, ec)) {
            const std::string f = e.path().filename().string();
            if (f.rfind(stale, 0) != 0) continue;
            std::string rest = f.substr(stale.size());
            if (rest.size() > 4 && rest.compare(rest.size() - 4, 4, ".old") == 0)
                rest.resize(rest.size() - 4);
            if (!rest.empty() && rest.find_first_not_of("0123456789") == std::string::npos)
                fs::remove_all(e.path(), ec);
        }
        m_staging = (parent / (stale + std::to_string(::getpid()))).string();
        if (::mkdir(m_staging.c_str(), 0755) != 0)
            throw InputError(shown + ": cannot create a folder in " + printable(parent.string()) +
                             ": " + open_failure(errno));
    } catch (...) {
        ::close(m_lock_fd);
        m_lock_fd = -1;
        throw;
    }
    m_path = target.string();
}

OutputFolder::~OutputFolder() {
    std::error_code ec;
    if (!m_committed && !m_staging.empty()) fs::remove_all(m_staging, ec);
    if (m_lock_fd >= 0) ::close(m_lock_fd);
}

std::string OutputFolder::staged(const std::string& name) const {
    return (fs::path(m_staging) / name).string();
}

void OutputFolder::write(const std::string& name, const std::string& text) {
    try {
        write_file_atomic(staged(name), text);
    } catch (const InputError& e) {
        // Name the file the user asked for, not its staging place.
        std::string what = e.what();
        const std::string staging = printable(m_staging);
        if (what.rfind(staging, 0) == 0) what.replace(0, staging.size(), printable(m_path));
        throw InputError(what);
    }
}

void OutputFolder::commit() {
    if (m_committed) return;
    sync_folder(m_staging);
    const fs::path parent = fs::path(m_path).parent_path();
    // First time: the staged folder takes the name, unless something else has meanwhile.
    if (::renameat2(AT_FDCWD, m_staging.c_str(), AT_FDCWD, m_path.c_str(), RENAME_NOREPLACE) == 0) {
        m_committed = true;
        sync_folder(parent);
        return;
    }
    int err = errno;
    if (err == EEXIST) {
        // Swap the two folders in one step, then delete the old output (now at the staging name).
        if (::renameat2(AT_FDCWD, m_staging.c_str(), AT_FDCWD, m_path.c_str(), RENAME_EXCHANGE) ==
            0) {
            m_committed = true;
            sync_folder(parent);
            std::error_code ec;
            fs::remove_all(m_staging, ec);
            return;
        }
        err = errno;
    }
    if (err == EINVAL || err == ENOSYS) {
        // A file system without atomic exchange: move the old folder aside first. In between
        // there is no folder at all, which readers see as "no report", never as a mix.
        const std::string old = m_staging + ".old";
        std::error_code ec;
        fs::rename(m_path, old, ec);
        if (!ec || !fs::exists(m_path)) {
            fs::rename(m_staging, m_path, ec);
            if (!ec) {
                m_committed = true;
                sync_folder(parent);
                fs::remove_all(old, ec);
                return;
            }
            err = ec.value();
        }
    }
    throw InputError(printable(m_path) +
                     ": cannot put the new output in place: " + std::strerror(err));
}

std::string installed_data_dir() {
#ifdef NEUROTLM_DATA_FROM_LIB
    Dl_info info{};
    if (dladdr(reinterpret_cast<void*>(&installed_data_dir), &info) != 0 && info.dli_fname) {
        const std::filesystem::path lib = std::filesystem::path(info.dli_fname).parent_path();
        std::error_code ec;
#ifdef NEUROTLM_BUILD_LIB_DIR
        // The library as built, not installed: whatever lies beside the build folder is not its
        // data (a build inside an install prefix would otherwise look installed).
        if (std::filesystem::equivalent(lib, NEUROTLM_BUILD_LIB_DIR, ec)) return {};
#endif
        const std::filesystem::path dir = lib / NEUROTLM_DATA_FROM_LIB;
        if (std::filesystem::is_directory(dir / "configs", ec))
            return dir.lexically_normal().string();
    }
#endif
    return {};
}

} // namespace neurotlm
