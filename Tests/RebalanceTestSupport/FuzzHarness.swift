import Foundation
import Rebalancing
import Testing

// The fuzz harness of the scenario reader (FuzzTests): its settings, an input, and the harness
// that decides each input on a worker thread, times it and checks what a loaded scenario promises.

// MARK: - Settings

public enum FuzzSettings {
    public static let environment = ProcessInfo.processInfo.environment
    public static var iterations: Int { environment["FUZZ_ITERATIONS"].flatMap { Int($0) } ?? 2000 }
    public static var seed: UInt64 { environment["FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x5CE7_A210_F022 }
    public static var start: Int { environment["FUZZ_START"].flatMap { Int($0) } ?? 0 }
    public static var planEvery: Int { max(1, environment["FUZZ_PLAN_EVERY"].flatMap { Int($0) } ?? 10) }
    /// The CPU time one input may take to be decided: 2 s, plus 1 s per MiB of input (YAML is
    /// read at about 1.3 MiB/s), in release builds — the CLI's. Debug builds (`make test`) are
    /// 3–5 times slower and get 4 times as long. CPU time of the worker thread, not wall time, so
    /// that a loaded machine does not fail the run.
    public static func cpuLimit(bytes: Int) -> Double {
        let release = 2.0 + Double(bytes) / Double(1 << 20)
        #if DEBUG
        return 4 * release
        #else
        return release
        #endif
    }
    /// Inputs made by mutation are cut to this size (FUZZ_MAX_BYTES; default 64 KiB): the
    /// limits on size are tested by the heavy inputs, not a million times.
    public static var maxMutatedBytes: Int { environment["FUZZ_MAX_BYTES"].flatMap { Int($0) } ?? 64 << 10 }
    /// FUZZ_HEAVY=1 adds the heavy hostile inputs: alias bombs at the 5 million value limit,
    /// megabyte strings, 20,000 lots, nesting 100,000 deep, a file over 64 MiB.
    public static var heavy: Bool { environment["FUZZ_HEAVY"].map { $0 != "0" && !$0.isEmpty } ?? false }
    /// Past this an input is declared hung and the run stops (the worker thread is stuck).
    public static let hangSeconds = 30.0
    /// Where each input is written before it is parsed: FUZZ_TRACE_DIR, else /dev/shm (a
    /// memory file system: truncating a file on the disk here takes milliseconds), else $TMPDIR.
    public static let traceDirectory: String = {
        if let dir = environment["FUZZ_TRACE_DIR"], !dir.isEmpty { return dir }
        if access("/dev/shm", W_OK) == 0 { return "/dev/shm" }
        return FileManager.default.temporaryDirectory.path
    }()
    public static let lastInputPath = traceDirectory + "/rebalance-fuzz-last-input"
}


// MARK: - Inputs

public struct FuzzInput: Sendable, CustomTestStringConvertible {
    public let data: Data
    public let format: ScenarioLoader.Format
    /// How the input was made, to reproduce it.
    public let origin: String
    public var testDescription: String { origin }

    public init(data: Data, format: ScenarioLoader.Format, origin: String) {
        self.data = data
        self.format = format
        self.origin = origin
    }
}


// MARK: - Harness

/// Runs each input on a worker thread with the stack of a main thread, so that a hang is
/// reported (and the run stopped) instead of blocking the suite, and times each in CPU time.
public final class FuzzHarness: @unchecked Sendable {
    public let label: String
    /// Whether failures matching a reported bug go to the known-issue log (random runs) or are
    /// recorded as they are (the regression tests wrap them in withKnownIssue themselves).
    public let knownBugsAreKnown: Bool
    private let worker = FuzzWorker()
    private let known = KnownIssueLog()
    public private(set) var loaded = 0
    public private(set) var refused = 0
    public private(set) var planned = 0
    public private(set) var slowest = "none"
    private var slowestSeconds = 0.0
    /// CPU seconds spent deciding inputs, in all.
    public private(set) var totalCPU = 0.0

    /// Plan every n-th scenario that loads.
    public let planEvery: Int

    public init(label: String, knownBugsAreKnown: Bool = true, planEvery: Int = FuzzSettings.planEvery) {
        self.label = label
        self.knownBugsAreKnown = knownBugsAreKnown
        self.planEvery = planEvery
    }

    public func finish() {
        worker.stop()
        known.recordAsKnown()
    }

    public struct Outcome: Sendable {
        public var error: ScenarioError?
        /// CPU seconds of the parse.
        public var cpu: Double
        public var wall: Duration
        public var planned: Bool
        public var problems: [String]
    }

    /// The CPU time of the calling thread, in seconds.
    public static func threadCPUTime() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// The reported bug a failure shows, if any (see FuzzRegressions and aliasBombIsRefusedQuickly).
    public static func knownBug(_ message: String, error: ScenarioError?) -> String? {
        if message.contains("gain per share is") || message.contains("coefficients must be") { return "denormal-basis" }
        if message.contains("of CPU"), let error, error.lines.contains(where: { $0.contains("YAML aliases") }) { return "alias-bomb" }
        return nil
    }

    /// Checks one input; false when the run must stop (a hang left the worker stuck).
    public func check(_ input: FuzzInput, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        Self.quickWrite(input.data, to: FuzzSettings.lastInputPath)
        Self.quickWrite(Data("\(input.format)\n\(input.origin)\n".utf8), to: FuzzSettings.lastInputPath + ".format")
        let shouldPlan = (loaded + 1) % planEvery == 0
        let outcome = worker.run(timeout: FuzzSettings.hangSeconds) { () -> Outcome in
            Self.evaluate(input, plan: shouldPlan)
        }
        guard let outcome else {
            let saved = save(input, reason: "hang")
            let message = "\(label): \(input.origin): no answer after \(Int(FuzzSettings.hangSeconds)) s (\(input.data.count) bytes, saved to \(saved))"
            Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
            return false
        }
        if outcome.error == nil { loaded += 1 } else { refused += 1 }
        if outcome.planned { planned += 1 }
        totalCPU += outcome.cpu
        if outcome.cpu > slowestSeconds {
            slowestSeconds = outcome.cpu
            slowest = "\(outcome.cpu) s CPU (\(input.data.count) bytes, \(input.origin.prefix(120)))"
        }
        var problems = outcome.problems
        let limit = FuzzSettings.cpuLimit(bytes: input.data.count)
        if outcome.cpu > limit {
            let result = outcome.error.map { $0.lines.first ?? "" } ?? "loaded"
            problems.append("took \(outcome.cpu) s of CPU (\(outcome.wall) wall) for \(input.data.count) bytes, over \(limit) s; \(result)")
        }
        for problem in problems {
            let saved = save(input, reason: "problem")
            let message = "\(label): \(input.origin): \(problem) (saved to \(saved))"
            if knownBugsAreKnown, let bug = Self.knownBug(problem, error: outcome.error) {
                known.add("KNOWN-BUG \(bug): \(message)")
            } else {
                Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
            }
        }
        return true
    }

    /// Writes a file with plain POSIX calls (Foundation's Data.write takes milliseconds here).
    public static func quickWrite(_ data: Data, to path: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { return }
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n <= 0 { break }
                offset += n
            }
        }
        close(fd)
    }

    private func save(_ input: FuzzInput, reason: String) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in input.origin.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "rebalance-fuzz-\(reason)-\(String(hash, radix: 16)).\(input.format == .json ? "json" : "yaml")")
        try? input.data.write(to: url)
        return url.path
    }

    /// Parses one input and checks what a loaded scenario promises.
    public static func evaluate(_ input: FuzzInput, plan: Bool) -> Outcome {
        let clock = ContinuousClock()
        let started = clock.now
        let cpuStarted = threadCPUTime()
        let scenario: Scenario
        do throws(ScenarioError) {
            scenario = try ScenarioLoader.parse(input.data, format: input.format, source: "fuzz")
        } catch {
            let cpu = threadCPUTime() - cpuStarted
            let wall = clock.now - started
            var problems: [String] = []
            if error.file != "fuzz" { problems.append("the error names \(error.file), not the source") }
            if error.lines.isEmpty || error.lines.contains(where: { !$0.hasPrefix("fuzz: ") }) {
                problems.append("the error's lines do not each name the source: \(error.lines.prefix(3))")
            }
            return Outcome(error: error, cpu: cpu, wall: wall, planned: false, problems: problems)
        }
        let cpu = threadCPUTime() - cpuStarted
        let wall = clock.now - started
        let (problems, planned) = loadedProblems(scenario, plan: plan)
        return Outcome(error: nil, cpu: cpu, wall: wall, planned: planned, problems: problems)
    }

    /// What docs/scenario-format.md promises of a scenario that passed validation; whether it was planned.
    public static func loadedProblems(_ scenario: Scenario, plan: Bool) -> ([String], Bool) {
        var problems: [String] = []
        func require(_ condition: Bool, _ message: @autoclosure () -> String) { if !condition { problems.append(message()) } }
        for (symbol, price) in scenario.prices { require(price.isFinite && price > 0, "price of \(symbol) is \(price)") }
        let t = scenario.tax
        for x in [t.shortTermRate, t.longTermRate] { require((0...1).contains(x), "a rate of \(x)") }
        for x in [t.realizedThisYear.shortTerm, t.realizedThisYear.longTerm, t.carryforwardLoss.shortTerm, t.carryforwardLoss.longTerm, t.ordinaryOffsetLimit] {
            require(x.isFinite, "a tax figure of \(x)")
        }
        for account in scenario.accounts {
            require(account.cash.isFinite && account.cash >= 0, "\(account.id): cash \(account.cash)")
            require(account.flow.isFinite, "\(account.id): flow \(account.flow)")
            require(account.minCash.isFinite && account.minCash >= 0, "\(account.id): minCash \(account.minCash)")
            for lot in account.lots {
                require(lot.shares.isFinite && lot.shares > 0, "\(account.id): a lot of \(lot.shares) shares")
                require(lot.costBasis.isFinite && lot.costBasis >= 0, "\(account.id): a lot of basis \(lot.costBasis)")
                require(lot.acquired <= scenario.asOf, "\(account.id): a lot acquired \(lot.acquired) after asOf")
                require(scenario.prices[lot.symbol] != nil, "\(account.id): \(lot.symbol) has no price")
            }
        }
        let household = Household(scenario)
        require(household.totalInvestable.isFinite && household.totalInvestable > 0, "Σ I_G = \(household.totalInvestable)")
        for lot in household.lots {
            require(lot.gainPerShare.isFinite, "a lot's gain per share is \(lot.gainPerShare) (basis/shares overflows)")
        }
        // Every pie level's weights are positive and sum to 100 within 0.01 (docs/scenario-format.md).
        func checkPie(_ pie: Pie, _ path: String) {
            let sum = pie.slices.reduce(0) { $0 + $1.weight }
            require(!pie.slices.isEmpty && abs(sum - 100) <= 0.01 + 1e-9, "\(path): weights sum to \(sum)")
            for (i, slice) in pie.slices.enumerated() {
                require(slice.weight.isFinite && slice.weight > 0, "\(path).slices[\(i)]: weight \(slice.weight)")
                if case .pie(let inner) = slice.content { checkPie(inner, "\(path).slices[\(i)]") }
            }
        }
        if let pie = scenario.pie { checkPie(pie, "pie") }
        for account in scenario.accounts { if let pie = account.pie { checkPie(pie, "\(account.id).pie") } }

        // Written back as JSON, it reads back and writes the same.
        let text = scenario.json.serialized()
        do throws(ScenarioError) {
            let again = try ScenarioLoader.parse(Data(text.utf8), format: .json, source: "roundtrip")
            require(again.json.serialized() == text, "its JSON does not read back the same")
        } catch {
            problems.append("its JSON is refused: \(error.lines.prefix(3))")
        }

        var planned = false
        if plan && household.lots.count <= 60 && household.symbols.count <= 40 {
            planned = true
            let plan = Planner().plan(household, strategy: Strategy(name: "full", kind: .full))
            if plan.status == .optimal {
                let violations = PlanVerifier(household).violations(of: plan)
                require(violations.isEmpty, "the full plan breaks the model's constraints: \(violations.prefix(3))")
            } else {
                problems.append("the full plan is \(plan.status)")
            }
            _ = PlanReport(plan, household: household).json.serialized()
        }
        return (problems, planned)
    }
}

/// One long-lived thread with an 8 MiB stack (a main thread's) that runs jobs one at a time.
public final class FuzzWorker: @unchecked Sendable {
    private let condition = NSCondition()
    private var job: (@Sendable () -> Void)?
    private var stopping = false
    private var stuck = false

    public init() {
        let thread = Thread { [self] in loop() }
        thread.stackSize = 8 << 20
        thread.start()
    }

    private func loop() {
        while true {
            condition.lock()
            while job == nil && !stopping { condition.wait() }
            if stopping && job == nil {
                condition.unlock()
                return
            }
            let next = job!
            job = nil
            condition.unlock()
            next()
        }
    }

    public func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    /// The job's result, or nil if it did not finish within `timeout` seconds (the worker is
    /// then stuck, and every later call returns nil at once).
    public func run<T: Sendable>(timeout: Double, _ body: @escaping @Sendable () -> T) -> T? {
        guard !stuck else { return nil }
        let result = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        condition.lock()
        job = {
            result.value = body()
            done.signal()
        }
        condition.signal()
        condition.unlock()
        if done.wait(timeout: .now() + timeout) == .timedOut {
            stuck = true
            return nil
        }
        return result.value
    }
}

private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}
