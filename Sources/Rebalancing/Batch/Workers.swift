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
