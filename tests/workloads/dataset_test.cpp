#include "neurotlm/workloads/dataset.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "testing/require.h"

#include "neurotlm/core/error.h"
#include "neurotlm/core/params.h"
#include "testing/errors.h"
#include "testing/paths.h"

using neurotlm::testing::error_of;

using namespace neurotlm;

namespace {

std::vector<std::uint8_t> pattern(std::size_t n) {
    std::vector<std::uint8_t> v(n);
    for (std::size_t i = 0; i < n; ++i)
        v[i] = static_cast<std::uint8_t>((i * 37 + 11) % 256);
    return v;
}

void write_raw(const std::string& path, const std::vector<std::uint8_t>& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
}

std::vector<std::uint8_t> read_raw(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// An IDX3 header by hand, so tests can make it lie.
std::vector<std::uint8_t> idx3_header(std::uint32_t count, std::uint32_t h, std::uint32_t w,
                                      std::uint8_t dtype = 0x08) {
    std::vector<std::uint8_t> v{0, 0, dtype, 3};
    for (std::uint32_t x : {count, h, w})
        for (int s = 24; s >= 0; s -= 8)
            v.push_back(static_cast<std::uint8_t>(x >> s));
    return v;
}

class DatasetTest : public ::testing::Test {
protected:
    std::string dir = neurotlm::testing::scratch_dir("dataset");
    std::string path(const std::string& name) const { return dir + "/" + name; }
};

} // namespace

TEST_F(DatasetTest, RoundTripPlainAndGzip) {
    const int count = 7, h = 3, w = 5;
    const auto pixels = pattern(count * h * w);
    const std::vector<std::uint8_t> labels{0, 1, 2, 3, 9, 255, 4};
    for (const std::string suffix : {"", ".gz"}) {
        SCOPED_TRACE(suffix);
        write_idx_images(path("img" + suffix), count, h, w, pixels);
        write_idx_labels(path("lbl" + suffix), labels);
        const Dataset d = load_idx(path("img" + suffix), path("lbl" + suffix));
        ASSERT_EQ(d.count, count);
        EXPECT_EQ(d.height, h);
        EXPECT_EQ(d.width, w);
        EXPECT_EQ(d.image_size(), h * w);
        ASSERT_EQ(d.pixels.size(), pixels.size());
        for (std::size_t i = 0; i < pixels.size(); ++i)
            ASSERT_FLOAT_EQ(d.pixels[i], pixels[i] / 255.0f) << i;
        EXPECT_EQ(d.labels, std::vector<int>(labels.begin(), labels.end()));
        EXPECT_FLOAT_EQ(d.image(2)[0], pixels[2 * h * w] / 255.0f);
    }
    // The plain file is really plain and the .gz really gzip'd.
    EXPECT_EQ(read_raw(path("img")).size(), 16u + pixels.size());
    const auto gz = read_raw(path("img.gz"));
    ASSERT_GE(gz.size(), 2u);
    EXPECT_EQ(gz[0], 0x1f);
    EXPECT_EQ(gz[1], 0x8b);
}

TEST_F(DatasetTest, LabelsAreOptional) {
    write_idx_images(path("img"), 2, 2, 2, pattern(8));
    const Dataset d = load_idx(path("img"), "");
    EXPECT_EQ(d.count, 2);
    EXPECT_TRUE(d.labels.empty());
}

TEST_F(DatasetTest, LimitAndOffset) {
    const int count = 10, h = 2, w = 2;
    const auto pixels = pattern(count * h * w);
    std::vector<std::uint8_t> labels;
    for (int i = 0; i < count; ++i)
        labels.push_back(static_cast<std::uint8_t>(i));
    write_idx_images(path("img.gz"), count, h, w, pixels);
    write_idx_labels(path("lbl.gz"), labels);

    Dataset d = load_idx(path("img.gz"), path("lbl.gz"), 3, 4);
    ASSERT_EQ(d.count, 3);
    EXPECT_EQ(d.labels, (std::vector<int>{4, 5, 6}));
    EXPECT_FLOAT_EQ(d.image(0)[0], pixels[4 * 4] / 255.0f);

    d = load_idx(path("img.gz"), path("lbl.gz"), 100, 8); // limit beyond the end: what remains
    EXPECT_EQ(d.count, 2);
    EXPECT_EQ(d.labels, (std::vector<int>{8, 9}));

    d = load_idx(path("img.gz"), path("lbl.gz"), 5);
    EXPECT_EQ(d.labels, (std::vector<int>{0, 1, 2, 3, 4}));

    const std::string e = error_of([&] { load_idx(path("img.gz"), path("lbl.gz"), 0, 10); });
    EXPECT_NE(e.find("offset 10"), std::string::npos) << e;
}

TEST_F(DatasetTest, MissingFile) {
    const std::string e = error_of([&] { load_idx(path("nope.gz"), ""); });
    EXPECT_NE(e.find("nope.gz"), std::string::npos) << e;
    EXPECT_NE(e.find("no such file"), std::string::npos) << e;
}

TEST_F(DatasetTest, ErrorsSayWhichInputIsWrong) {
    write_idx_images(path("img.gz"), 4, 2, 2, pattern(16));
    write_idx_labels(path("lbl.gz"), {0, 1, 2});
    const auto part_of = [](auto&& f) {
        try {
            f();
        } catch (const DatasetError& e) {
            return e.part();
        }
        ADD_FAILURE() << "no DatasetError";
        return DatasetError::Part::images;
    };
    EXPECT_EQ(part_of([&] { load_idx(path("nope.gz"), ""); }), DatasetError::Part::images);
    EXPECT_EQ(part_of([&] { load_idx(path("img.gz"), path("lbl.gz")); }),
              DatasetError::Part::labels);
    EXPECT_EQ(part_of([&] { load_idx(path("img.gz"), path("nope.gz")); }),
              DatasetError::Part::labels);
    EXPECT_EQ(part_of([&] { load_idx(path("img.gz"), "", 0, 4); }), DatasetError::Part::offset);
}

TEST_F(DatasetTest, BadMagic) {
    write_raw(path("junk"),
              {'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd', '!', 0, 0, 0, 0});
    std::string e = error_of([&] { load_idx(path("junk"), ""); });
    EXPECT_NE(e.find("junk"), std::string::npos) << e;
    EXPECT_NE(e.find("not an IDX file"), std::string::npos) << e;

    write_raw(path("float"), idx3_header(1, 1, 1, 0x0D));
    e = error_of([&] { load_idx(path("float"), ""); });
    EXPECT_NE(e.find("0x0d"), std::string::npos) << e;

    // A label file where images are expected: wrong dimension count.
    write_idx_labels(path("lbl"), {1, 2});
    e = error_of([&] { load_idx(path("lbl"), ""); });
    EXPECT_NE(e.find("dimension"), std::string::npos) << e;

    write_raw(path("short"), {0, 0, 8});
    e = error_of([&] { load_idx(path("short"), ""); });
    EXPECT_NE(e.find("truncated"), std::string::npos) << e;
}

TEST_F(DatasetTest, TruncatedData) {
    auto bytes = pattern(5 * 4 * 4);
    write_idx_images(path("img"), 5, 4, 4, bytes);
    auto raw = read_raw(path("img"));
    raw.resize(raw.size() - 7);
    write_raw(path("cut"), raw);
    std::string e = error_of([&] { load_idx(path("cut"), ""); });
    EXPECT_NE(e.find("truncated"), std::string::npos) << e;
    EXPECT_NE(e.find("cut"), std::string::npos) << e;
    // Still fine when only the intact images are asked for.
    EXPECT_EQ(load_idx(path("cut"), "", 4).count, 4);

    // A gzip stream cut in the middle.
    write_idx_images(path("img.gz"), 5, 4, 4, bytes);
    raw = read_raw(path("img.gz"));
    raw.resize(raw.size() / 2);
    write_raw(path("cut.gz"), raw);
    e = error_of([&] { load_idx(path("cut.gz"), ""); });
    EXPECT_NE(e.find("cut.gz"), std::string::npos) << e;

    write_idx_labels(path("lbl"), {1, 2, 3, 4, 5});
    raw = read_raw(path("lbl"));
    raw.pop_back();
    write_raw(path("lblcut"), raw);
    e = error_of([&] { load_idx(path("img"), path("lblcut")); });
    EXPECT_NE(e.find("lblcut"), std::string::npos) << e;
    EXPECT_NE(e.find("truncated"), std::string::npos) << e;
}

TEST_F(DatasetTest, LyingHeaderDoesNotAllocateOrOverrun) {
    // Claims two billion 28x28 images, holds one.
    auto raw = idx3_header(2000000000u, 28, 28);
    const auto one = pattern(28 * 28);
    raw.insert(raw.end(), one.begin(), one.end());
    write_raw(path("liar"), raw);
    const std::string e = error_of([&] { load_idx(path("liar"), ""); });
    EXPECT_NE(e.find("truncated"), std::string::npos) << e;
    EXPECT_EQ(load_idx(path("liar"), "", 1).count, 1);
}

TEST_F(DatasetTest, AbsurdDimensions) {
    for (auto [h, w] : {std::pair<std::uint32_t, std::uint32_t>{0, 28},
                        {28, 0},
                        {0xffffffffu, 0xffffffffu},
                        {65536, 65536}}) {
        write_raw(path("absurd"), idx3_header(1, h, w));
        const std::string e = error_of([&] { load_idx(path("absurd"), ""); });
        EXPECT_NE(e.find("implausible image size"), std::string::npos) << e;
    }
    write_raw(path("toomany"), idx3_header(0x80000000u, 1, 1));
    EXPECT_NE(error_of([&] { load_idx(path("toomany"), ""); }).find("more than"),
              std::string::npos);
}

TEST_F(DatasetTest, CountMismatch) {
    write_idx_images(path("img"), 3, 2, 2, pattern(12));
    write_idx_labels(path("lbl"), {1, 2});
    const std::string e = error_of([&] { load_idx(path("img"), path("lbl")); });
    EXPECT_NE(e.find("2 labels"), std::string::npos) << e;
    EXPECT_NE(e.find("3 images"), std::string::npos) << e;
}

TEST_F(DatasetTest, WriteRejectsWrongByteCount) {
    EXPECT_THROW(write_idx_images(path("x"), 2, 2, 2, pattern(7)), InputError);
}

TEST(FashionMnist, FirstHundredTestImagesIfInstalled) {
    const std::string dir = default_fashion_mnist_dir();
    NEUROTLM_REQUIRE_TOOL(std::filesystem::exists(dir + "/t10k-images-idx3-ubyte.gz"),
                          "dataset-fashion-mnist");
    const Dataset d =
        load_idx(dir + "/t10k-images-idx3-ubyte.gz", dir + "/t10k-labels-idx1-ubyte.gz", 100);
    ASSERT_EQ(d.count, 100);
    EXPECT_EQ(d.height, 28);
    EXPECT_EQ(d.width, 28);
    ASSERT_EQ(d.labels.size(), 100u);
    for (int l : d.labels) {
        EXPECT_GE(l, 0);
        EXPECT_LE(l, 9);
    }
    for (float p : d.pixels) {
        ASSERT_GE(p, 0.0f);
        ASSERT_LE(p, 1.0f);
    }
}

namespace {

Dataset image_of(int height, int width, const std::vector<float>& pixels, int label = 3) {
    Dataset d;
    d.count = 1;
    d.height = height;
    d.width = width;
    d.pixels = pixels;
    d.labels = {label};
    return d;
}

} // namespace

TEST(Preprocessing, ResizeToAWholeFractionAveragesBlocks) {
    // 4x4 -> 2x2: each output is the mean of one 2x2 block.
    const Dataset d = image_of(4, 4, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
    const Dataset r = resize_images(d, 2, 2);
    EXPECT_EQ(r.height, 2);
    EXPECT_EQ(r.width, 2);
    EXPECT_EQ(r.count, 1);
    EXPECT_EQ(r.labels, std::vector<int>{3});
    const std::vector<float> want{3.5f, 5.5f, 11.5f, 13.5f};
    ASSERT_EQ(r.pixels.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i)
        EXPECT_FLOAT_EQ(r.pixels[i], want[i]) << i;
}

TEST(Preprocessing, ResizeCountsCutPixelsByTheFractionCovered) {
    // 5x5 -> 2x2: an output spans 2.5 input pixels, so along each axis output 0 weighs inputs
    // 0, 1, 2 by 0.4, 0.4, 0.2 and output 1 weighs inputs 2, 3, 4 by 0.2, 0.4, 0.4. On the
    // image 5 r + c the weighted index means are 0.8 and 3.2, so the outputs are
    // 5 x 0.8 + 0.8 = 4.8, 5 x 0.8 + 3.2 = 7.2, 5 x 3.2 + 0.8 = 16.8 and 5 x 3.2 + 3.2 = 19.2.
    std::vector<float> ramp;
    for (int r = 0; r < 5; ++r)
        for (int c = 0; c < 5; ++c)
            ramp.push_back(static_cast<float>(5 * r + c));
    const Dataset r = resize_images(image_of(5, 5, ramp), 2, 2);
    const std::vector<float> want{4.8f, 7.2f, 16.8f, 19.2f};
    for (std::size_t i = 0; i < want.size(); ++i)
        EXPECT_NEAR(r.pixels[i], want[i], 1e-5f) << i;
}

TEST(Preprocessing, ResizeTo20x20KeepsAConstantImageAndTheMean) {
    std::vector<float> flat(28 * 28, 0.25f), noise;
    for (int i = 0; i < 28 * 28; ++i)
        noise.push_back(static_cast<float>((i * 37 + 11) % 256) / 255.0f);
    Dataset two;
    two.count = 2;
    two.height = two.width = 28;
    two.pixels = flat;
    two.pixels.insert(two.pixels.end(), noise.begin(), noise.end());
    two.labels = {1, 7};
    const Dataset r = resize_images(two, 20, 20);
    ASSERT_EQ(r.pixels.size(), 2u * 400u);
    EXPECT_EQ(r.labels, (std::vector<int>{1, 7}));
    for (int i = 0; i < 400; ++i)
        EXPECT_NEAR(r.pixels[static_cast<std::size_t>(i)], 0.25f, 1e-6f) << i;
    double in_mean = 0.0, out_mean = 0.0;
    for (float v : noise)
        in_mean += v / noise.size();
    for (int i = 400; i < 800; ++i)
        out_mean += r.pixels[static_cast<std::size_t>(i)] / 400.0;
    EXPECT_NEAR(out_mean, in_mean, 1e-5);
    // Enlarging by a whole factor repeats each pixel.
    const Dataset big = resize_images(image_of(2, 2, {0.0f, 0.25f, 0.5f, 1.0f}), 4, 4);
    EXPECT_FLOAT_EQ(big.pixels[0], 0.0f);
    EXPECT_FLOAT_EQ(big.pixels[3], 0.25f);
    EXPECT_FLOAT_EQ(big.pixels[12], 0.5f);
    EXPECT_FLOAT_EQ(big.pixels[15], 1.0f);
}

TEST(Preprocessing, BinarizeSplitsAtTheThresholdIntoTheTwoLevels) {
    Dataset d = image_of(1, 5, {0.0f, 0.2f, 0.5f, 0.51f, 1.0f});
    binarize_images(d, 0.5f, -1.0f, 1.0f);
    EXPECT_EQ(d.pixels, (std::vector<float>{-1.0f, -1.0f, -1.0f, 1.0f, 1.0f}));

    Dataset e = image_of(2, 2, {0.1f, 0.3f, 0.6f, 0.9f});
    ImagePreprocessing p;
    p.resize_height = p.resize_width = 1; // mean 0.475
    p.binarize = true;
    p.threshold = 0.4f;
    preprocess(e, p);
    EXPECT_EQ(e.pixels, std::vector<float>{1.0f});
    EXPECT_EQ(describe(p), "resize 1x1 (area average), binarize > 0.4 -> {0, 1}");
    EXPECT_EQ(describe(ImagePreprocessing{}), "none");
}

TEST(Preprocessing, BadSettingsAreRefusedNamingThem) {
    const Dataset d = image_of(2, 2, {0.1f, 0.3f, 0.6f, 0.9f});
    EXPECT_NE(error_of([&] { resize_images(d, 0, 2); }).find("resize"), std::string::npos);
    EXPECT_NE(error_of([&] { resize_images(d, 2, 70000); }).find("resize"), std::string::npos);
    EXPECT_NE(error_of([&] { resize_images(d, 65536, 65536); }).find("pixels"), std::string::npos);
    Dataset e = d;
    EXPECT_NE(
        error_of([&] { binarize_images(e, std::nanf(""), 0.0f, 1.0f); }).find("binarize threshold"),
        std::string::npos);
    EXPECT_NE(error_of([&] { binarize_images(e, 0.5f, 1.0f, 1.0f); }).find("binarize levels"),
              std::string::npos);
    EXPECT_EQ(e.pixels, d.pixels); // refused before anything changed
}

TEST(Preprocessing, DeclaredKeysValidateWithTheirPointers) {
    ParamTable table;
    add_preprocessing_params(table, "dataset.");
    auto read = [&](const json& dataset) {
        const Params p = Params::validate(json{{"dataset", dataset}}, table, "w.json", "");
        return preprocessing_from(p, "dataset.");
    };
    const ImagePreprocessing none = read(json::object());
    EXPECT_FALSE(none.resizes());
    EXPECT_FALSE(none.binarize);
    const ImagePreprocessing p =
        read({{"resize", {{"height", 20}, {"width", 20}}},
              {"binarize", {{"threshold", 0.5}, {"low", -1}, {"high", 1}}}});
    EXPECT_EQ(p.resize_height, 20);
    EXPECT_EQ(p.resize_width, 20);
    EXPECT_TRUE(p.binarize);
    EXPECT_FLOAT_EQ(p.threshold, 0.5f);
    EXPECT_FLOAT_EQ(p.low, -1.0f);
    EXPECT_FLOAT_EQ(p.high, 1.0f);
    const ImagePreprocessing defaults = read({{"binarize", {{"threshold", 0.3}}}});
    EXPECT_FLOAT_EQ(defaults.low, 0.0f);
    EXPECT_FLOAT_EQ(defaults.high, 1.0f);
    // What a run writes as its effective configuration reads back the same: no levels are
    // written without a threshold.
    ParamTable t2;
    add_preprocessing_params(t2, "");
    const json effective = Params::validate(json::object(), t2, "w.json", "").effective();
    EXPECT_FALSE(effective.contains("binarize")) << effective.dump();

    const std::pair<json, const char*> bad[] = {
        {{{"resize", {{"height", 20}}}}, "/dataset/resize/width"},
        {{{"resize", {{"height", -1}, {"width", 20}}}}, "/dataset/resize/height"},
        {{{"resize", {{"width", 20}, {"height", 1 << 20}}}}, "/dataset/resize/height"},
        {{{"resize", {{"width", 65536}, {"height", 65536}}}}, "/dataset/resize/width"},
        {{{"resize", 20}}, "/dataset/resize"},
        {{{"binarize", {{"threshold", 1.5}}}}, "/dataset/binarize/threshold"},
        {{{"binarize", {{"threshold", "half"}}}}, "/dataset/binarize/threshold"},
        {{{"binarize", {{"low", -1}}}}, "/dataset/binarize/threshold"},
        {{{"binarize", {{"threshold", 0.5}, {"low", 1}, {"high", 0}}}}, "/dataset/binarize/high"},
        {{{"binarize", {{"threshold", 0.5}, {"low", 2}}}}, "/dataset/binarize/low"},
        {{{"binarize", {{"threshold", 0.5}, {"levels", 2}}}}, "/dataset/binarize/levels"},
    };
    for (const auto& [dataset, pointer] : bad) {
        try {
            read(dataset);
            ADD_FAILURE() << dataset.dump() << " accepted";
        } catch (const ConfigError& e) {
            EXPECT_EQ(e.pointer(), pointer) << dataset.dump() << ": " << e.what();
        }
    }
}
