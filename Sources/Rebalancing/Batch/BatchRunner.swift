import Foundation
import Synchronization

/// Runs many scenarios on worker threads and writes one JSON line per scenario, in input order
/// whatever the number of threads: the compare object of docs/output.md plus `"file"` (and `"line"`
/// for JSON Lines), or `"error"` in place of `"plans"` for a scenario that failed.
///
/// Work goes in chunks: each chunk is solved by `jobs` threads (each creating, solving and
/// freeing its solver sessions itself, and the solver's per-thread state before it ends), then
/// written in order. The output is therefore a prefix of the full run at every moment, which is
/// what makes `--resume` exact. While one chunk's lines are written (and the next chunk read),
/// the workers already solve the chunk after it, so that writing does not leave the cores idle.
/// Pure: items in, lines out; reading and writing files is the caller's.
public struct BatchRunner: Sendable {
    /// What became of one scenario.
    public enum Outcome: Sendable, Equatable {
        /// Every plan optimal.
        case optimal
        /// Read and solved, but some plan is not optimal (infeasible, or a time limit with a
        /// feasible point); the line carries each plan's status.
        case notOptimal(String)
        /// No usable result: the scenario could not be read, a plan failed numerically, or a
        /// plan hit the time limit with no feasible point.
        case failed(String)
    }

    /// One scenario's line and what became of it.
    public struct Result: Sendable, Equatable {
        public let source: String
        public let line: String
        public let outcome: Outcome
    }

    public struct Summary: Sendable, Equatable {
        public var processed = 0
        public var failed = 0
        public var notOptimal = 0
        /// The first ``maxNamed`` scenarios that failed or have a plan that is not optimal,
        /// with why, in input order.
        public var named: [(source: String, outcome: Outcome)] = []
        public static let maxNamed = 20
        public init() {}

        public static func == (a: Summary, b: Summary) -> Bool {
            a.processed == b.processed && a.failed == b.failed && a.notOptimal == b.notOptimal
                && a.named.map(\.source) == b.named.map(\.source) && a.named.map(\.outcome) == b.named.map(\.outcome)
        }

        mutating func add(_ result: Result) {
            processed += 1
            switch result.outcome {
            case .optimal: return
            case .notOptimal: notOptimal += 1
            case .failed: failed += 1
            }
            if named.count < Self.maxNamed { named.append((result.source, result.outcome)) }
        }

        /// Whether every scenario got an optimal plan from every strategy.
        public var allOptimal: Bool { failed == 0 && notOptimal == 0 }
    }

    public var strategies: [Strategy]?
    public var jobs: Int
    public var planner: Planner
    public var chunkSize: Int

    public init(strategies: [Strategy]?, jobs: Int, planner: Planner, chunkSize: Int = 256) {
        self.strategies = strategies
        self.jobs = max(1, jobs)
        self.planner = planner
        self.chunkSize = max(1, chunkSize)
    }

    /// Processes the items `next` gives until it gives nil, passing each chunk's results to
    /// `write` in input order and the summary so far to `progress`.
    public func run(
        next: () throws -> BatchItem?, write: ([Result]) throws -> Void, progress: (Summary) -> Void = { _ in }
    ) throws -> Summary {
        var summary = Summary()
        var chunk: [BatchItem] = []
        // While the workers solve one chunk, this thread writes the one before and reads the next.
        var running: Work?
        func record(_ results: [Result]) throws {
            try write(results)
            for result in results { summary.add(result) }
            progress(summary)
        }
        func flush() throws {
            guard !chunk.isEmpty else { return }
            let done = running?.wait()
            running = start(chunk)
            chunk = []
            if let done { try record(done) }
        }
        do {
            while let item = try next() {
                chunk.append(item)
                if chunk.count >= chunkSize { try flush() }
            }
            try flush()
            if let work = running {
                running = nil
                try record(work.wait())
            }
        } catch {
            // Let the workers of a chunk in flight end before the error goes up.
            _ = running?.wait()
            throw error
        }
        return summary
    }

    /// A chunk being solved by worker threads.
    struct Work {
        fileprivate let slots: Slots
        let done: DispatchGroup
        /// Waits for the workers; results come back in the chunk's order.
        func wait() -> [Result] {
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
    public func process(_ item: BatchItem) -> Result {
        var fields: [(String, JSONValue)] = [("file", .string(item.file))]
        if let line = item.line { fields.append(("line", .number(String(line)))) }
        let source = item.source
        func failed(_ reason: String) -> Result {
            fields.append(("error", .string(reason)))
            return Result(source: source, line: JSONValue.object(fields).serialized(), outcome: .failed(reason))
        }
        let household: Household
        do {
            let data = try item.content.get()
            let format: ScenarioLoader.Format = item.line != nil ? .json : (ScenarioLoader.Format(path: item.file) ?? .json)
            household = try ScenarioLoader.parseHousehold(data, format: format, source: source)
        } catch {
            return failed(error.lines.joined(separator: "\n"))
        }
        let comparison = PreparedScenario(household, source: source).compare(strategies, planner: planner)
        fields.append(("scenario", .string(comparison.name)))
        var failures: [String] = []
        var notOptimal: [String] = []
        var numerical = false
        for report in comparison.reports {
            let what = "\(report.strategy.name): \(report.status.description)"
            switch report.status {
            case .optimal: break
            case .numericalFailure:
                numerical = true
                failures.append(what)
            // A time limit with no feasible point gives no plan at all: a failure, not a result.
            case .timeLimit(feasible: false): failures.append(what)
            default: notOptimal.append(what)
            }
        }
        // A numerical failure makes the line an error line; a time limit with nothing found
        // keeps its plans (each says its status) but counts as a failure.
        if numerical { return failed(failures.joined(separator: "; ")) }
        let line = Self.line(item, comparison)
        if !failures.isEmpty {
            return Result(source: source, line: line, outcome: .failed((failures + notOptimal).joined(separator: "; ")))
        }
        return Result(
            source: source, line: line, outcome: notOptimal.isEmpty ? .optimal : .notOptimal(notOptimal.joined(separator: "; ")))
    }

    /// `{"file", ["line",] "scenario", "plans": [PLAN, ...], "assumptions"}`, written straight
    /// into bytes (JSONLineWriter): the same text as the `JSONValue` of those fields serialized.
    static func line(_ item: BatchItem, _ comparison: Comparison) -> String {
        var w = JSONLineWriter()
        w.beginObject()
        w.key("file")
        w.string(item.file)
        if let line = item.line {
            w.key("line")
            w.number(String(line))
        }
        w.key("scenario")
        w.string(comparison.name)
        w.key("plans")
        w.beginArray()
        for report in comparison.reports { report.write(to: &w) }
        w.endArray()
        w.key("assumptions")
        comparison.assumptions.write(to: &w)
        w.endObject()
        return w.string
    }
}

/// Result slots written by worker threads, each index by exactly one thread, read after all
/// threads are done.
private final class Slots: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [BatchRunner.Result?]
    init(count: Int) { storage = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: BatchRunner.Result) {
        lock.lock()
        storage[i] = value
        lock.unlock()
    }
    func values() -> [BatchRunner.Result] {
        lock.lock()
        defer { lock.unlock() }
        return storage.map { $0! }
    }
}
