import Foundation
import Synchronization

/// Independent solves of one command (the strategies of `compare`, the budgets of `frontier`) on
/// up to `jobs` threads, results in the solves' order whatever thread made them, so that the
/// output is the same on any number of threads.
///
/// The solver keeps state per thread (GLPK's environment): each solve creates, solves and frees
/// its problems on one thread, and each worker thread frees the solver's per-thread state before
/// it ends, as ``BatchRunner``'s workers do. With one job (or one solve) everything runs on the
/// calling thread.
public enum Workers {
    /// The default number of jobs: every core.
    public static var cores: Int { ProcessInfo.processInfo.activeProcessorCount }

    /// Once per process, before any solve: glibc's malloc gives freed memory back to the system
    /// (heap tops above 1 MiB trimmed; setting the threshold also keeps the mmap threshold at its
    /// initial 128 KiB, so large arrays are mapped and unmapped rather than left in an arena).
    /// `compare` and `frontier` solve on several threads, each with its own arena, and a
    /// direct-indexing household's LPs allocate and free tens of megabytes of arrays per solve:
    /// without this, the memory one solve freed stayed mapped beside the next (compare of 500
    /// symbols / 100,000 lots on 2 jobs peaked 10-20 MB higher). The executable and the
    /// benchmarks call it, so both measure the same process. Elsewhere than Linux, nothing.
    public static func returnFreedMemory() {
        #if os(Linux)
        _ = mallopt(trimThreshold, 1 << 20)
        #endif
    }

    /// `work(0) … work(count − 1)`, in index order. The calling thread is one of the `jobs`
    /// workers (the memory it freed, the parse's, serves its solves again) and keeps its solver
    /// state as it always has; the other workers are new threads that free theirs as they end.
    static func map<T: Sendable>(_ count: Int, jobs: Int, planner: Planner, _ work: @escaping @Sendable (Int) -> T) -> [T] {
        let threads = min(max(1, jobs), count)
        guard threads > 1 else { return (0..<count).map(work) }
        let results = Results<T>(count: count)
        let next = Atomic<Int>(0)
        let done = DispatchGroup()
        @Sendable func drain() {
            while true {
                let i = next.add(1, ordering: .relaxed).oldValue
                guard i < count else { return }
                results.set(i, work(i))
            }
        }
        for _ in 1..<threads {
            done.enter()
            let thread = Thread {
                drain()
                planner.releaseThreadResources()
                done.leave()
            }
            // The main thread's stack size rather than a new thread's smaller default, as the batch's.
            thread.stackSize = 8 << 20
            thread.start()
        }
        drain()
        done.wait()
        return results.values()
    }
}

/// Result slots written by worker threads, each index by exactly one thread, read after all
/// threads are done.
private final class Results<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [T?]
    init(count: Int) { storage = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: T) {
        lock.lock()
        storage[i] = value
        lock.unlock()
    }
    func values() -> [T] {
        lock.lock()
        defer { lock.unlock() }
        return storage.map { $0! }
    }
}

#if os(Linux)
// Swift's Glibc module leaves out <malloc.h>: `mallopt` and M_TRIM_THRESHOLD (-1) declared here.
@_silgen_name("mallopt")
private func mallopt(_ parameter: Int32, _ value: Int32) -> Int32
private let trimThreshold: Int32 = -1
#endif
