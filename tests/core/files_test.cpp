// The rules every file read or written goes through: regular files only, sizes checked before
// reading, bounded JSON nesting and unique keys, escaped messages, whole-file and whole-folder
// replacement with every write error checked.

#include "neurotlm/core/files.h"

#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "neurotlm/core/error.h"
#include "testing/paths.h"

namespace fs = std::filesystem;
using namespace neurotlm;
using neurotlm::testing::scratch_dir;

namespace {

template <class F> std::string files_error_of(F&& f) {
    try {
        f();
    } catch (const InputError& e) {
        return e.what();
    }
    ADD_FAILURE() << "no InputError";
    return {};
}

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

} // namespace

TEST(Files, ReadsARegularFile) {
    const std::string dir = scratch_dir("files-read");
    std::ofstream(dir + "/a.txt") << "hello";
    EXPECT_EQ(read_input_file(dir + "/a.txt", 100, "a test file"), "hello");
    EXPECT_EQ(check_input_file(dir + "/a.txt", "a test file"), 5u);
}

TEST(Files, RefusesAFifoWithoutWaitingForAWriter) {
    const std::string dir = scratch_dir("files-fifo");
    const std::string fifo = dir + "/pipe";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
    // Opening a FIFO for reading would block until a writer appears: this returns at once.
    const std::string e = files_error_of([&] { read_input_file(fifo, 100, "the platform file"); });
    EXPECT_NE(e.find("FIFO"), std::string::npos) << e;
    EXPECT_NE(e.find("the platform file"), std::string::npos) << e;
    EXPECT_NE(files_error_of([&] { check_input_file(fifo, "a trace"); }).find("FIFO"),
              std::string::npos);
}

TEST(Files, RefusesDevicesAndFoldersBeforeReading) {
    // /dev/zero never ends: it must be refused from its type, not after reading gigabytes.
    EXPECT_NE(
        files_error_of([] { read_input_file("/dev/zero", 64, "x"); }).find("character device"),
        std::string::npos);
    const std::string dir = scratch_dir("files-dir");
    EXPECT_NE(files_error_of([&] { read_input_file(dir, 64, "x"); }).find("a folder"),
              std::string::npos);
}

TEST(Files, ChecksTheSizeBeforeReading) {
    const std::string dir = scratch_dir("files-size");
    std::ofstream(dir + "/big") << std::string(1000, 'x');
    const std::string e = files_error_of([&] { read_input_file(dir + "/big", 999, "x"); });
    EXPECT_NE(e.find("larger than"), std::string::npos) << e;
    EXPECT_EQ(read_input_file(dir + "/big", 1000, "x").size(), 1000u);
}

TEST(Files, SaysWhyAFileCannotBeOpened) {
    const std::string dir = scratch_dir("files-why");
    EXPECT_NE(files_error_of([&] { check_input_file(dir + "/none", "x"); }).find("no such file"),
              std::string::npos);
    // A symbolic link loop is not "no such file".
    fs::create_symlink(dir + "/loop_b", dir + "/loop_a");
    fs::create_symlink(dir + "/loop_a", dir + "/loop_b");
    const std::string e = files_error_of([&] { check_input_file(dir + "/loop_a", "x"); });
    EXPECT_NE(e.find("loop of symbolic links"), std::string::npos) << e;
    std::ofstream(dir + "/plain") << "x";
    EXPECT_NE(
        files_error_of([&] { check_input_file(dir + "/plain/inside", "x"); }).find("not a folder"),
        std::string::npos);
}

TEST(Files, ParsesJsonWithLineAndColumn) {
    EXPECT_EQ(parse_json_text("{\"a\": [1, 2]}", "f.json")["a"][1], 2);
    const std::string e = files_error_of([] { parse_json_text("{\n  \"a\": 1,\n}", "f.json"); });
    EXPECT_EQ(e.rfind("f.json:3:1: not valid JSON", 0), 0u) << e;
}

TEST(Files, BoundsNestingWithThePointer) {
    // 200 000 levels: deep enough to overflow a recursive reader's stack.
    const int depth = 200000;
    const std::string deep =
        "{\"x\": [{\"y\": " + std::string(depth, '[') + std::string(depth, ']') + "}]}";
    const std::string e = files_error_of([&] { parse_json_text(deep, "f.json"); });
    EXPECT_NE(e.find("nested deeper than 64"), std::string::npos) << e.substr(0, 200);
    EXPECT_EQ(e.rfind("f.json: /x/0/y/0/0/", 0), 0u) << e.substr(0, 200);
    // The limit itself is accepted.
    const std::string ok = std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']');
    EXPECT_NO_THROW(parse_json_text(ok, "f.json"));
    const std::string over =
        std::string(kMaxJsonDepth + 1, '[') + std::string(kMaxJsonDepth + 1, ']');
    EXPECT_THROW(parse_json_text(over, "f.json"), InputError);
}

TEST(Files, RefusesADuplicateKeyWithItsPointer) {
    const std::string e = files_error_of(
        [] { parse_json_text("{\"a\": [0, {\"b\": 1, \"c\": 2, \"b\": 3}]}", "f.json"); });
    EXPECT_NE(e.find("f.json: /a/1/b: this key appears twice"), std::string::npos) << e;
    // The same key in different objects is fine.
    EXPECT_NO_THROW(parse_json_text("[{\"b\": 1}, {\"b\": 2}]", "f.json"));
    // Keys that need escaping in a pointer are escaped.
    const std::string e2 = files_error_of([] { parse_json_text("{\"a/b\": 1, \"a/b\": 2}", "f"); });
    EXPECT_NE(e2.find("/a~1b"), std::string::npos) << e2;
}

TEST(Files, PrintableEscapesControlsAndBrokenUtf8) {
    EXPECT_EQ(printable("plain text, ünïcode €"), "plain text, ünïcode €");
    EXPECT_EQ(printable("a\x1b[2Jb"), "a\\u001b[2Jb");
    EXPECT_EQ(printable("a\nb\tc"), "a\\u000ab\\u0009c");
    EXPECT_EQ(printable("a\nb\tc", true), "a\nb\tc");
    EXPECT_EQ(printable("bad \xff\xfe end"), "bad \\xff\\xfe end");
    EXPECT_EQ(printable("cut \xe2\x82"), "cut \\xe2\\x82");
    // An overlong encoding of '/' and a C1 control (CSI) are not passed through either.
    EXPECT_EQ(printable("\xc0\xaf"), "\\xc0\\xaf");
    EXPECT_EQ(printable("\xc2\x9b"), "\\xc2\\x9b");
    EXPECT_EQ(printable("\x7f"), "\\u007f");
}

TEST(Files, ConfigErrorsEscapeWhatTheInputSaid) {
    const ConfigError e("f\x1b.json", "/components/0/name", "a plain name", "\"x\x1b[2J\"");
    const std::string what = e.what();
    EXPECT_EQ(what.find('\x1b'), std::string::npos) << what;
    EXPECT_NE(what.find("\\u001b[2J"), std::string::npos) << what;
}

TEST(Files, WriteReplacesTheWholeFile) {
    const std::string dir = scratch_dir("files-write");
    const std::string path = dir + "/out.csv";
    write_file_atomic(path, "one\n");
    write_file_atomic(path, "two\n");
    EXPECT_EQ(slurp(path), "two\n");
    // Nothing but the file is left behind.
    EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
}

TEST(Files, AFullDiskIsAnErrorAndLeavesTheOldFile) {
    const std::string dir = scratch_dir("files-full");
    const std::string path = dir + "/out.csv";
    write_file_atomic(path, "old\n");
    // A file size limit fails writes the way a full disk does (EFBIG instead of ENOSPC).
    struct rlimit old {};
    ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
    const auto previous = std::signal(SIGXFSZ, SIG_IGN);
    struct rlimit small = old;
    small.rlim_cur = 4096;
    ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
    const std::string e =
        files_error_of([&] { write_file_atomic(path, std::string(100000, 'x')); });
    ::setrlimit(RLIMIT_FSIZE, &old);
    std::signal(SIGXFSZ, previous);
    EXPECT_NE(e.find("write failed"), std::string::npos) << e;
    EXPECT_EQ(slurp(path), "old\n");
    EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
}

TEST(Files, UnwritablePlacesAreFoundBeforeWriting) {
    const std::string dir = scratch_dir("files-out");
    EXPECT_NE(files_error_of([&] { check_output_file(dir, "--out"); }).find("is a folder"),
              std::string::npos);
    std::ofstream(dir + "/file") << "x";
    EXPECT_THROW(check_output_file(dir + "/file/below.csv", "--out"), InputError);
    EXPECT_NO_THROW(check_output_file(dir + "/new/sub/out.csv", "--out"));
    EXPECT_TRUE(fs::is_directory(dir + "/new/sub"));
}

TEST(OutputFolder, CommitReplacesTheFolderAsAWhole) {
    const std::string dir = scratch_dir("folder-commit");
    const std::string out = dir + "/report";
    {
        OutputFolder f(out, "report.json");
        f.write("report.json", "1");
        f.write("extra.txt", "only in the first");
        // Nothing is visible before the commit.
        EXPECT_FALSE(fs::exists(out));
        f.commit();
    }
    EXPECT_EQ(slurp(out + "/report.json"), "1");
    {
        OutputFolder f(out, "report.json");
        f.write("report.json", "2");
        // Until the commit, the folder is the first output, whole.
        EXPECT_EQ(slurp(out + "/report.json"), "1");
        f.commit();
    }
    EXPECT_EQ(slurp(out + "/report.json"), "2");
    // The second output has no file of the first.
    EXPECT_FALSE(fs::exists(out + "/extra.txt"));
    // Only the folder and its lock are left beside it.
    std::set<std::string> names;
    for (const auto& e : fs::directory_iterator(dir))
        names.insert(e.path().filename().string());
    EXPECT_EQ(names, (std::set<std::string>{"report", ".report.lock"}));
}

TEST(OutputFolder, WithoutACommitNothingChanges) {
    const std::string dir = scratch_dir("folder-abandon");
    const std::string out = dir + "/report";
    {
        OutputFolder f(out, "report.json");
        f.write("report.json", "never");
    }
    EXPECT_FALSE(fs::exists(out));
    EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1); // lock
}

TEST(OutputFolder, RefusesWhatIsNotOursToReplace) {
    const std::string dir = scratch_dir("folder-refuse");
    std::ofstream(dir + "/afile") << "x";
    EXPECT_NE(
        files_error_of([&] { OutputFolder(dir + "/afile", "report.json"); }).find("not a folder"),
        std::string::npos);
    fs::create_directories(dir + "/mine");
    std::ofstream(dir + "/mine/thesis.tex") << "x";
    const std::string e = files_error_of([&] { OutputFolder(dir + "/mine", "report.json"); });
    EXPECT_NE(e.find("other content"), std::string::npos) << e;
    EXPECT_TRUE(fs::exists(dir + "/mine/thesis.tex"));
    // An empty folder may be used.
    fs::create_directories(dir + "/empty");
    EXPECT_NO_THROW(OutputFolder(dir + "/empty", "report.json"));
    // A folder holding an input is refused, even if it is a report folder.
    fs::create_directories(dir + "/rep");
    std::ofstream(dir + "/rep/report.json") << "{}";
    const std::string e2 = files_error_of(
        [&] { OutputFolder(dir + "/rep", "report.json", {dir + "/rep/report.json"}); });
    EXPECT_NE(e2.find("holds the input"), std::string::npos) << e2;
    // The current folder (or one holding it) is refused.
    const fs::path cwd = fs::current_path();
    fs::current_path(dir + "/rep");
    const std::string e3 = files_error_of([&] { OutputFolder(".", "report.json"); });
    const std::string e4 = files_error_of([&] { OutputFolder("..", "report.json"); });
    fs::current_path(cwd);
    EXPECT_NE(e3.find("current folder"), std::string::npos) << e3;
    EXPECT_NE(e4.find("current folder"), std::string::npos) << e4;
}

TEST(OutputFolder, ASecondWriterIsRefused) {
    const std::string dir = scratch_dir("folder-lock");
    const std::string out = dir + "/report";
    OutputFolder first(out, "report.json");
    const std::string e = files_error_of([&] { OutputFolder second(out, "report.json"); });
    EXPECT_NE(e.find("another neurotlm process is writing"), std::string::npos) << e;
    // Another folder in the same place is independent.
    EXPECT_NO_THROW(OutputFolder(dir + "/other", "report.json"));
}

TEST(OutputFolder, LeftoversOfKilledWritersAreRemoved) {
    const std::string dir = scratch_dir("folder-stale");
    fs::create_directories(dir + "/.report.staging-99999999/x");
    fs::create_directories(dir + "/.report.staging-88888888.old");
    // A neighbour's names are left alone.
    fs::create_directories(dir + "/.report.staging-1.x");
    fs::create_directories(dir + "/.report2.staging-77777777");
    OutputFolder f(dir + "/report", "report.json");
    EXPECT_FALSE(fs::exists(dir + "/.report.staging-99999999"));
    EXPECT_FALSE(fs::exists(dir + "/.report.staging-88888888.old"));
    EXPECT_TRUE(fs::exists(dir + "/.report.staging-1.x"));
    EXPECT_TRUE(fs::exists(dir + "/.report2.staging-77777777"));
}
