import CBLAS

/// Thin wrappers over OpenBLAS, row-major throughout. All matrices are flat `Float` buffers;
/// the caller passes explicit dimensions, as in the layers' shape comments.
public enum BLAS {
    /// OpenBLAS's own thread count. The engine keeps it at 1 and parallelises above it
    /// (image chunks per thread), which avoids OpenBLAS's spin-waiting on small GEMMs.
    public static func setThreads(_ n: Int) {
        openblas_set_num_threads(Int32(max(1, n)))
    }

    /// Evaluated once, by the first `Network` or `Classifier`: OpenBLAS single-threaded.
    static let singleThreaded: Void = setThreads(1)

    /// C[M,N] = alpha * op(A) * op(B) + beta * C, where op(A) is [M,K] and op(B) is [K,N].
    /// Leading dimensions default to dense storage; pass them to address a sub-matrix.
    @inline(__always)
    static func gemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                     alpha: Float = 1, a: UnsafePointer<Float>, lda: Int? = nil,
                     b: UnsafePointer<Float>, ldb: Int? = nil,
                     beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int? = nil) {
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha,
                    a, Int32(lda ?? (transA ? m : k)), b, Int32(ldb ?? (transB ? k : n)),
                    beta, c, Int32(ldc ?? n))
    }
}
