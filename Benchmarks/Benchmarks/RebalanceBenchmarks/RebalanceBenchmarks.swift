import Benchmark
import Foundation
import GLPKSolver
import LinearProgramming
import Rebalancing

// Four workloads:
//   typical          one household of 3 accounts, 8 symbols and 60 lots; and the first 10 such
//                    households planned continuously, with `wholeShares` and with `minTrade: 25`
//                    on every account (the ratio of their medians is what the rule costs; each
//                    solve stopped after 10 s, and the plans not proven optimal counted);
//   direct-indexing  `generate --profile direct-indexing --symbols 500 --lots 100000`: 500 stocks
//                    bought monthly in a taxable account, two funds in an IRA and a Roth;
//   stress           the default profile at 500 symbols and 100,000 lots (4 accounts, random pies);
//   batch            1,000 typical households, as `rebalance batch` runs them, on 1 and 2 threads.
// Every benchmark runs in its own process, so peak memory is that benchmark's alone. Inputs are
// made before the measurement (in `setup`), never inside it.
//
// Run a subset with --filter or --skip (regular expressions), e.g. without the slow ones:
//   swift package --allow-writing-to-package-directory benchmark --skip "(direct-indexing|stress): (plan|compare|frontier).*"

// MARK: Inputs

/// The first `count` generated households with 3 accounts, 8 symbols and 60 lots.
func typicalScenarios(_ count: Int) -> [Scenario] {
    let generator = Generator(symbols: 8, lots: 60, seed: 1)
    return Array((0...).lazy.map(generator.household).filter { $0.accounts.count == 3 }.prefix(count))
}

let typicalScenario = typicalScenarios(1)[0]

/// Order rules on every account: continuous (none), whole shares, or a $25 minimum trade.
enum OrderRules: String, CaseIterable {
    case continuous, wholeShares, minTrade25 = "minTrade 25"

    func apply(_ scenario: Scenario) -> Scenario {
        var scenario = scenario
        for a in scenario.accounts.indices {
            scenario.accounts[a].wholeShares = self == .wholeShares
            scenario.accounts[a].minTrade = self == .minTrade25 ? 25 : 0
        }
        return scenario
    }
}

/// The first 10 typical households (several, so that no one lucky or unlucky household decides
/// the ratio), under each order rule.
let typicalHouseholdCount = 10
let typicalByRules: [OrderRules: [Household]] = Dictionary(
    uniqueKeysWithValues: OrderRules.allCases.map { rules in
        (rules, typicalScenarios(typicalHouseholdCount).map { Household(rules.apply($0)) })
    })
let typicalJSON = Data(typicalScenario.json.serialized().utf8)

/// The direct-indexing profile: 500 stocks and 100,000 lots.
let directIndexingScenario = Generator(symbols: 500, lots: 100_000, seed: 1, profile: .directIndexing).household(0)
let directIndexingJSON = Data(directIndexingScenario.json.serialized().utf8)

/// The default profile at 500 symbols and 100,000 lots: the generator gives 4 accounts from 200 symbols on.
let stressScenario = Generator(symbols: 500, lots: 100_000, seed: 1).household(0)
let stressJSON = Data(stressScenario.json.serialized().utf8)

/// 1,000 typical households as a JSON Lines file, the input of `rebalance batch`.
let batchSize = 1_000
let batchFile: String = {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("rebalance-bench-\(getpid()).jsonl").path
    let lines = typicalScenarios(batchSize).map { $0.json.serialized() + "\n" }.joined()
    precondition(FileManager.default.createFile(atPath: path, contents: Data(lines.utf8)), "cannot write \(path)")
    return path
}()
let batchStrategies = ["cash-only", "full", "tax-aware:0.10"].map { try! Strategy(parsing: $0) }

let full = try! Strategy(parsing: "full")
let taxAware = try! Strategy(parsing: "tax-aware:0.10")

// MARK: Steps

func parse(_ json: Data) -> Scenario {
    try! ScenarioLoader.parse(json, format: .json, source: "benchmark.json")
}

/// Derived quantities and the LP of `full`, without solving.
func buildFull(_ scenario: Scenario) -> Int {
    Planner.modelSize(Household(scenario), strategy: full).variables
}

func planFull(_ scenario: Scenario) -> Plan {
    Planner(solver: GLPKSolver()).plan(Household(scenario), strategy: full)
}

/// `rebalance compare` with its default strategies, on every core as the command runs them.
func compareDefault(_ scenario: Scenario) -> Comparison {
    Comparison(
        Household(scenario), name: scenario.name ?? "", strategies: Strategy.defaultForCompare,
        planner: Planner(solver: GLPKSolver()), jobs: Workers.cores)
}

/// `rebalance frontier` with 11 points, on every core as the command runs them.
func frontier(_ scenario: Scenario) -> Frontier {
    Frontier(Household(scenario), name: scenario.name ?? "", points: 11, planner: Planner(solver: GLPKSolver()), jobs: Workers.cores)
}

/// Runs the batch file through `BatchRunner` (parse, compare, one JSON line per household).
func runBatch(jobs: Int) -> BatchRunner.Summary {
    let runner = BatchRunner(strategies: batchStrategies, jobs: jobs, planner: Planner(solver: GLPKSolver()))
    // The batch is pure (items in, lines out): the file's lines become items here, read as
    // `rebalance batch` reads a JSON Lines file (`LineReader`, as they are needed, so that the
    // workers solve one chunk while the next is read). Splitting the whole file as a `String`
    // instead took 135 ms of CPU on the one thread before any solve (docs/engineering.md).
    let fd = try! RegularFile.open(batchFile)
    defer { close(fd) }
    let reader = LineReader(fd: fd, limit: BatchItem.maxBytes)
    let summary = try! runner.run(
        next: {
            try reader.nextLine().map { BatchItem(file: batchFile, line: reader.lineNumber, content: .success(Data($0))) }
        },
        write: { blackHole($0) })
    precondition(summary.processed == batchSize && summary.failed == 0, "batch: \(summary)")
    return summary
}

// MARK: Benchmarks

let householdsPerSecond = BenchmarkMetric.custom("households/s", polarity: .prefersLarger, useScalingFactor: false)
let notOptimal = BenchmarkMetric.custom("plans not optimal", polarity: .prefersSmaller, useScalingFactor: false)

let benchmarks: @Sendable () -> Void = {
    // The malloc settings the executable runs with (peak memory is measured as a user sees it).
    Workers.returnFreedMemory()
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .peakMemoryResident],
        maxDuration: .seconds(5),
        maxIterations: 1_000
    )

    // (a) Typical household.
    let typical = Benchmark.Configuration(setup: { blackHole(typicalJSON) })
    Benchmark("typical: parse", configuration: typical) { _ in
        blackHole(parse(typicalJSON))
    }
    Benchmark("typical: build model full", configuration: typical) { _ in
        blackHole(buildFull(typicalScenario))
    }
    Benchmark("typical: plan full", configuration: typical) { _ in
        blackHole(planFull(typicalScenario))
    }
    Benchmark("typical: compare (4 strategies)", configuration: typical) { _ in
        blackHole(compareDefault(typicalScenario))
    }
    // (a') 10 typical households, planned one after the other, by order rules: read the ratio of
    // each rule's median to the continuous one's. Each solve stops after 10 s (a plan marked
    // time-limit), and the plans not proven optimal are counted: a fast run that gave up proves
    // nothing. Skipped by `make bench` while they take minutes; `make bench-orders` runs them.
    let typicals = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, notOptimal], maxDuration: .seconds(5), maxIterations: 100,
        setup: { blackHole(typicalByRules) })
    for strategy in [full, taxAware] {
        for rules in OrderRules.allCases {
            Benchmark("typical: plan \(strategy.name) x\(typicalHouseholdCount), \(rules.rawValue)", configuration: typicals) { benchmark in
                let planner = Planner(solver: GLPKSolver(options: SolverOptions(timeLimit: 10)), verify: false)
                var count = 0
                for household in typicalByRules[rules]! {
                    let plan = planner.plan(household, strategy: strategy)
                    if plan.status != .optimal { count += 1 }
                    blackHole(plan)
                }
                benchmark.measurement(notOptimal, count)
            }
        }
    }

    // (b) Direct-indexing household (the profile) and (b') the default profile at the same size.
    // Plan, compare and frontier take seconds on direct indexing (`make bench` runs them, up to 5
    // iterations for a median) and up to a minute a strategy on the stress household (one
    // iteration, skipped by `make bench`).
    let largeMetrics: [BenchmarkMetric] = [.wallClock, .cpuTotal, .peakMemoryResident]
    // The inputs are reached through closures: a global is made on first use, and each
    // benchmark's process should make only its own.
    let large: [(label: String, scenario: @Sendable () -> Scenario, json: @Sendable () -> Data)] = [
        ("direct-indexing", { directIndexingScenario }, { directIndexingJSON }), ("stress", { stressScenario }, { stressJSON }),
    ]
    for (label, scenario, json) in large {
        let quick = Benchmark.Configuration(
            metrics: largeMetrics, warmupIterations: 1, maxDuration: .seconds(20), maxIterations: 10,
            setup: { blackHole(json()) })
        let slow = Benchmark.Configuration(
            metrics: largeMetrics, warmupIterations: 0, maxDuration: .seconds(30),
            maxIterations: label == "stress" ? 1 : 5, setup: { blackHole(json()) })
        Benchmark("\(label): parse", configuration: quick) { _ in
            blackHole(parse(json()))
        }
        Benchmark("\(label): build model full", configuration: quick) { _ in
            blackHole(buildFull(scenario()))
        }
        Benchmark("\(label): plan full", configuration: slow) { _ in
            blackHole(planFull(parse(json())))
        }
        Benchmark("\(label): compare (4 strategies)", configuration: slow) { _ in
            blackHole(compareDefault(parse(json())))
        }
        if label == "direct-indexing" {
            Benchmark("\(label): frontier (11 points)", configuration: slow) { _ in
                blackHole(frontier(parse(json())))
            }
        }
    }

    // (c) Batch throughput: 1,000 typical households, strategies cash-only, full, tax-aware:0.10.
    // Total CPU time beside wall clock shows how many cores the run really had.
    for jobs in [1, 2] {
        let batch = Benchmark.Configuration(
            metrics: [.wallClock, .cpuTotal, householdsPerSecond, .peakMemoryResident],
            maxDuration: .seconds(20), maxIterations: 10, setup: { blackHole(batchFile) },
            teardown: { try? FileManager.default.removeItem(atPath: batchFile) })
        Benchmark("batch: 1,000 households, \(jobs) job\(jobs == 1 ? "" : "s")", configuration: batch) { benchmark in
            let start = ContinuousClock.now
            blackHole(runBatch(jobs: jobs))
            let seconds = (ContinuousClock.now - start) / .seconds(1)
            benchmark.measurement(householdsPerSecond, Int(Double(batchSize) / seconds))
        }
    }
}
