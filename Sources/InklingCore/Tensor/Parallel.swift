import Dispatch

/// Runs `body(worker, i)` for i in 0..<count on `threads` workers (worker w takes
/// i = w, w + threads, ...). Each index must write only its own outputs (or the worker's own
/// scratch), so the result never depends on the split: this is what keeps training
/// deterministic for any thread count. With one worker (or one index) the loop runs on the
/// calling thread: no hand-off, which is what batch-1 inference relies on.
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

/// Work split into chunks of images. The split depends only on the batch size and the
/// per-image cost, never on the thread count, so every reduction over chunks (weight
/// gradients, batch statistics) adds the same partial sums in the same order for any
/// --threads. The chunk count is rounded up to a multiple of 4 (when there are that many
/// images) so that 1, 2 or 4 workers get equal shares: a batch of 64 is 4 or 8 equal chunks.
struct Chunking {
    let images: Int, size: Int, count: Int

    /// `floatsPerImage`: scratch one image needs; `budget`: scratch per chunk, in floats.
    init(images n: Int, floatsPerImage: Int, budget: Int) {
        precondition(n >= 0 && floatsPerImage > 0)
        images = n
        guard n > 0 else { size = 1; count = 0; return }
        let most = max(1, min(n, budget / floatsPerImage))
        var chunks = (n + most - 1) / most
        if n >= 4 { chunks = min(n, (chunks + 3) / 4 * 4) }
        size = (n + chunks - 1) / chunks
        count = (n + size - 1) / size
    }

    /// Images lo ..< lo + count of chunk c.
    @inline(__always) func range(_ c: Int) -> (lo: Int, count: Int) {
        let lo = c * size
        return (lo, min(size, images - lo))
    }
}
