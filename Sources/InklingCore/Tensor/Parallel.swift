import Dispatch

/// Runs `body(worker, i)` for i in 0..<count on `threads` workers (worker w takes
/// i = w, w + threads, ...). Each index must write only its own outputs (or the worker's own
/// scratch), so the result never depends on the split: this is what keeps training
/// deterministic for any thread count.
@inline(__always)
func parallelFor(_ count: Int, threads: Int, _ body: (_ worker: Int, _ index: Int) -> Void) {
    let workers = min(threads, count)
    if workers <= 1 {
        for i in 0..<count { body(0, i) }
        return
    }
    withoutActuallyEscaping(body) { body in
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var i = worker
            while i < count { body(worker, i); i += workers }
        }
    }
}

@inline(__always)
func parallelFor(_ count: Int, threads: Int, _ body: (Int) -> Void) {
    parallelFor(count, threads: threads) { (_: Int, i: Int) in body(i) }
}

/// Global engine settings.
public enum Engine {
    /// Worker threads for the engine's parallel loops (convolution chunks, pooling,
    /// augmentation). OpenBLAS itself runs single-threaded inside each worker.
    nonisolated(unsafe) public static var threads = 1

    public static func configure(threads: Int) {
        self.threads = max(1, threads)
        BLAS.setThreads(1)
    }
}
