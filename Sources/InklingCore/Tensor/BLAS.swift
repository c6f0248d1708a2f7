import CBLAS

/// Thin wrappers over OpenBLAS, row-major throughout. All matrices are flat `Float` buffers;
/// the caller passes explicit dimensions, as in the layers' shape comments.
public enum BLAS {
    /// Sets OpenBLAS's thread count (the `--threads` option). Results are bit-identical for a
    /// given thread count; a different count may partition the GEMMs differently.
    public static func setThreads(_ n: Int) {
        openblas_set_num_threads(Int32(max(1, n)))
    }

    /// C[M,N] = alpha * op(A) * op(B) + beta * C, where op(A) is [M,K] and op(B) is [K,N].
    @inline(__always)
    static func gemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                     alpha: Float = 1, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                     beta: Float = 0, c: UnsafeMutablePointer<Float>) {
        let lda = transA ? m : k
        let ldb = transB ? k : n
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(n))
    }
}
