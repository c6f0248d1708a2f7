import Dispatch

/// Runs `body(i)` for i in 0..<count, split over `threads` workers. Each index must write
/// only its own outputs, so the result never depends on the split (determinism).
@inline(__always)
func parallelFor(_ count: Int, threads: Int, _ body: (Int) -> Void) {
    if threads <= 1 || count < 2 {
        for i in 0..<count { body(i) }
        return
    }
    withoutActuallyEscaping(body) { body in
        DispatchQueue.concurrentPerform(iterations: min(threads, count)) { worker in
            var i = worker
            while i < count { body(i); i += threads }
        }
    }
}

/// Global engine settings.
public enum Engine {
    /// Worker threads for the non-BLAS loops (im2col, pooling, augmentation).
    nonisolated(unsafe) public static var threads = 1

    public static func configure(threads: Int) {
        self.threads = max(1, threads)
        BLAS.setThreads(self.threads)
    }
}
