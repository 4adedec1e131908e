import Foundation
import Synchronization

/// Runs many scenarios on worker threads and writes one JSON line per scenario, in input order
/// whatever the number of threads: the compare object of MODEL §6 plus `"file"` (and `"line"`
/// for JSON Lines), or `"error"` in place of `"plans"` for a scenario that failed.
///
/// Work goes in chunks: each chunk is solved by `jobs` threads (each creating, solving and
/// freeing its solver sessions itself, and the solver's per-thread state before it ends), then
/// written in order. The output is therefore a prefix of the full run at every moment, which is
/// what makes `--resume` exact.
public struct BatchRunner: Sendable {
    public struct Summary: Sendable, Equatable {
        public var processed = 0
        public var failed = 0
        public var skipped = 0
    }

    public var strategies: [Strategy]?
    public var jobs: Int
    public var shard: (index: Int, count: Int)
    public var planner: Planner
    public var chunkSize = 256

    public init(strategies: [Strategy]?, jobs: Int, shard: (index: Int, count: Int) = (0, 1), planner: Planner) {
        self.strategies = strategies
        self.jobs = max(1, jobs)
        self.shard = shard
        self.planner = planner
    }

    /// Processes the input's scenarios of this shard, skipping the first `skip` (already written),
    /// passing each chunk's lines to `write` in order and the count done to `progress`.
    public func run(
        _ input: BatchInput, skip: Int = 0, expected: ((Int, BatchItem) throws -> Void)? = nil,
        write: ([String]) throws -> Void, progress: (Summary) -> Void = { _ in }
    ) throws -> Summary {
        var summary = Summary()
        var index = 0, mine = 0
        var chunk: [BatchItem] = []
        // While the workers solve one chunk, this thread reads the next.
        var running: Work?
        func finish() throws {
            guard let work = running else { return }
            running = nil
            let results = work.wait()
            try write(results.map(\.line))
            summary.processed += results.count
            summary.failed += results.filter(\.failed).count
            progress(summary)
        }
        func flush() throws {
            guard !chunk.isEmpty else { return }
            try finish()
            running = start(chunk)
            chunk = []
        }
        while let item = try input.next() {
            defer { index += 1 }
            guard index % shard.count == shard.index else { continue }
            defer { mine += 1 }
            if mine < skip {
                try expected?(mine, item)
                summary.skipped += 1
                continue
            }
            chunk.append(item)
            if chunk.count >= chunkSize { try flush() }
        }
        try flush()
        try finish()
        return summary
    }

    /// A chunk being solved by worker threads.
    struct Work {
        fileprivate let slots: Slots
        let done: DispatchGroup
        /// Waits for the workers; results come back in the chunk's order.
        func wait() -> [(line: String, failed: Bool)] {
            done.wait()
            return slots.values()
        }
    }

    /// Starts `jobs` threads on a chunk.
    func start(_ chunk: [BatchItem]) -> Work {
        let slots = Slots(count: chunk.count)
        let next = Atomic<Int>(0)
        let threads = min(jobs, chunk.count)
        let done = DispatchGroup()
        let runner = self
        for _ in 0..<threads {
            done.enter()
            let thread = Thread {
                while true {
                    let i = next.add(1, ordering: .relaxed).oldValue
                    guard i < chunk.count else { break }
                    slots.set(i, runner.process(chunk[i]))
                }
                runner.planner.releaseThreadResources()
                done.leave()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        return Work(slots: slots, done: done)
    }

    /// One scenario's line.
    public func process(_ item: BatchItem) -> (line: String, failed: Bool) {
        var fields: [(String, JSONValue)] = [("file", .string(item.file))]
        if let line = item.line { fields.append(("line", .number(String(line)))) }
        let source = item.line.map { "\(item.file):\($0)" } ?? item.file
        let scenario: Scenario
        do {
            if let text = item.text {
                scenario = try ScenarioLoader.parse(Data(text.utf8), format: .json, source: source)
            } else {
                scenario = try ScenarioLoader.load(path: item.file)
            }
        } catch {
            fields.append(("error", .string(error.lines.joined(separator: "\n"))))
            return (JSONValue.object(fields).serialized(), true)
        }
        let name = scenario.name ?? source
        let comparison = Comparison(
            Household(scenario), name: name, strategies: strategies ?? scenario.strategies ?? Strategy.defaultForCompare,
            planner: planner)
        fields.append(("scenario", .string(name)))
        fields.append(("assumptions", comparison.assumptions.json))
        let failures = comparison.reports.compactMap { report -> String? in
            if case .numericalFailure = report.status { return "\(report.strategy.name): \(report.status.description)" }
            return nil
        }
        if !failures.isEmpty {
            fields.append(("error", .string(failures.joined(separator: "; "))))
            return (JSONValue.object(fields).serialized(), true)
        }
        fields.append(("plans", .array(comparison.reports.map(\.json))))
        return (JSONValue.object(fields).serialized(), false)
    }
}

/// Result slots written by worker threads, each index by exactly one thread, read after all
/// threads are done.
private final class Slots: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [(line: String, failed: Bool)?]
    init(count: Int) { storage = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: (line: String, failed: Bool)) {
        lock.lock()
        storage[i] = value
        lock.unlock()
    }
    func values() -> [(line: String, failed: Bool)] {
        lock.lock()
        defer { lock.unlock() }
        return storage.map { $0! }
    }
}
