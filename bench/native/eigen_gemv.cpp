// The reference the crossbar kernels are measured against: Eigen's float GEMV built for the
// processor that runs the benchmark (-march=native: AVX2 or AVX-512, fused multiply-add). It
// is its own shared library with hidden symbols, so the Eigen code compiled for this processor
// can never stand in for the portable Eigen code inside neurotlm's libraries.

#include <Eigen/Core>

extern "C" __attribute__((visibility("default"))) void
neurotlm_bench_eigen_native_gemv(const float* w, const float* x, float* y, int rows, int cols) {
    using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    const Eigen::Map<const RowMajor> wm(w, rows, cols);
    const Eigen::Map<const Eigen::VectorXf> xv(x, rows);
    Eigen::Map<Eigen::VectorXf> yv(y, cols);
    yv.noalias() = wm.transpose() * xv;
}

extern "C" __attribute__((visibility("default"))) const char* neurotlm_bench_eigen_native_isa() {
#if defined(__AVX512F__)
    return "avx512";
#elif defined(__AVX2__)
    return "avx2";
#else
    return "sse2";
#endif
}
