import Foundation
import LinearProgramming
import PropertyBased
import Testing

@testable import Rebalancing

// Property tests: random households (Rebalancing's own `Generator`, and small edge-case
// scenarios built here), planned under every strategy; each plan is checked against MODEL
// §2–§5 recomputed in this file from the scenario and the report's trades alone.
//
// The default run is short. `PROPERTY_ITERATIONS=2000 swift test --filter PropertyTests` runs
// that many households per random test. A failure prints the case (`GeneratedCase(...)` or
// `SmallCase(...)`): add it to `PropertyRegressions.cases` below to keep it.
//
// A failure that matches a bug already reported is collected by `KnownIssueLog` (at most 20
// messages per test, each starting `KNOWN-BUG <name>`) and recorded when the test ends: it still
// fails the run — it is grouped and labelled, not set aside. The counterexample tests at the end
// of `PropertyTests` keep each such bug in view.

// MARK: - Settings

private enum PropertySettings {
    /// Random households per test: `PROPERTY_ITERATIONS`, else 60.
    static var iterations: Int {
        if let text = ProcessInfo.processInfo.environment["PROPERTY_ITERATIONS"], let n = Int(text), n >= 0 { return n }
        return 60
    }

    static let strategies = [
        "cash-only", "full", "tax-aware", "tax-aware:0.5", "band:5", "tax-budget:0", "tax-budget:500", "fifo", "m1",
    ]
    /// Planned in addition, for the budget-monotonicity property only.
    static let extraBudget = "tax-budget:5000"
}

// MARK: - Cases

/// A household of `Rebalancing.Generator`, named by its parameters so that a failure replays.
struct GeneratedCase: Sendable, CustomTestStringConvertible {
    let symbols: Int
    let lots: Int
    let seed: UInt64
    let index: Int

    var testDescription: String { "GeneratedCase(symbols: \(symbols), lots: \(lots), seed: \(seed), index: \(index))" }
    var scenario: Scenario { Rebalancing.Generator(symbols: symbols, lots: lots, seed: seed).household(index) }
}

/// A small scenario built by ``SmallScenarioBuilder`` from a seed: few symbols and lots, but the
/// edges MODEL cares about (look-back windows, the one-year boundary, leap days, zero basis,
/// withdrawals, own pies, nested and repeated slices, untargeted holdings).
struct SmallCase: Sendable, CustomTestStringConvertible {
    let seed: UInt64
    var testDescription: String { "SmallCase(seed: \(seed))" }
    var scenario: Scenario { SmallScenarioBuilder.make(seed: seed) }
}

private let generatedCases = zip(
    Gen.int(in: 3...12), Gen.int(in: 5...40), Gen.uint64(in: 0...UInt64.max), Gen.int(in: 0...999)
).map { GeneratedCase(symbols: $0.0, lots: $0.1, seed: $0.2, index: $0.3) }

private let smallCases = Gen.uint64(in: 0...UInt64.max).map { SmallCase(seed: $0) }

// MARK: - Tests

@Suite struct PropertyTests {
    // No shrinking: a smaller seed is another household, not a smaller one.
    @Test(.shrinking(false)) func generatedHouseholdsPlanValidly() async {
        let known = KnownIssueLog()
        await propertyCheck(count: PropertySettings.iterations, input: generatedCases) { c in
            let scenario = c.scenario
            // The generator promises households that pass validation.
            let issues = ScenarioValidator.issues(in: scenario)
            #expect(issues.isEmpty, "\(c.testDescription): the generated household is invalid: \(issues)")
            guard issues.isEmpty else { return }
            PropertyChecks(scenario, label: c.testDescription, known: known).run()
        }
        known.recordAsKnown()
    }

    @Test(.shrinking(false)) func smallScenariosPlanValidly() async {
        let known = KnownIssueLog()
        await propertyCheck(count: PropertySettings.iterations, input: smallCases) { c in
            // Written as MODEL §1 JSON and read back: the scenario the CLI would see.
            let built = c.scenario
            let text = built.json.serialized()
            let scenario: Scenario
            do throws(ScenarioError) {
                scenario = try ScenarioLoader.parse(Data(text.utf8), format: .json, source: "small.json")
            } catch {
                Issue.record("\(c.testDescription): the scenario does not read back: \(error.lines)\n\(text)")
                return
            }
            PropertyChecks(scenario, label: c.testDescription, known: known).run()
        }
        known.recordAsKnown()
    }

    /// Households kept from earlier runs (and from the counterexamples below), checked whatever the seed.
    @Test(arguments: PropertyRegressions.cases)
    func regression(_ c: PropertyRegressions.Case) {
        let known = KnownIssueLog()
        PropertyChecks(c.scenario, label: c.label, known: known).run()
        known.recordAsKnown()
    }

    /// Counterexample (SmallCase(seed: 8080721201751184060)): `misallocatedBefore` is exactly
    /// $195,366.895 here, and PlanMeasures sums |dev| over a Set, whose order changes from one
    /// instance (and process) to the next: the last bit of the sum changes, and the report
    /// prints 195366.90 or 195366.89 at random. Planned 40 times, it must print one figure.
    @Test func halfCentFiguresPrintTheSameEveryTime() throws {
        let scenario = try ScenarioLoader.parse(Data(PropertyRegressions.halfCent.utf8), format: .json, source: "half-cent.json")
        do {
            var printed = Set<String>()
            for _ in 0..<40 {
                let household = Household(scenario)
                let plan = Planner().plan(household, strategy: Strategy(name: "full", kind: .full))
                printed.insert(PlanReport(plan, household: household).json.serialized())
            }
            #expect(printed.count == 1, "\(printed.count) different reports of one plan")
        }
    }

    /// Counterexample: 1e18 shares bought (price $1e-6, $1e12 to invest) printed as `1e+1`:
    /// Money.formatShares strips trailing zeros from the exponent of "\(x)".
    @Test func hugeShareCountsPrintAsTheirValue() throws {
        let yaml = """
            asOf: 2026-11-20
            prices: {A: 0.000001}
            pie: {slices: [{symbol: A, weight: 100}]}
            accounts:
              - {id: x, type: taxable, cash: 1e12, flow: 10}
            """
        let household = Household(try ScenarioLoader.parse(Data(yaml.utf8), format: .yaml, source: "huge-shares.yaml"))
        let report = PlanReport(Planner().plan(household, strategy: Strategy(name: "full", kind: .full)), household: household)
        #expect(report.status == .optimal)
        do {
            for problem in JSONReadBack.problems(report) { Issue.record(Comment(rawValue: problem)) }
        }
    }

    /// Counterexample (GeneratedCase(symbols: 10, lots: 26, seed: 3392857723836470265, index: 261)):
    /// with the purchase caps min(spend, w·I_G) of RebalanceModel (uncommitted when found), `full`
    /// never returned: one stage's simplex ran on without end. Planned within 60 seconds here.
    @Test func fullPlanReturnsInTime() throws {
        let scenario = try ScenarioLoader.parse(Data(PropertyRegressions.stall.utf8), format: .json, source: "stall.json")
        let known = KnownIssueLog()
        PropertyChecks(scenario, label: "stall.json", known: known).run()
        known.recordAsKnown()
    }

    /// Household 4,008 of `rebalance generate --seed 2026`: the turnover stage's simplex, warm from
    /// the tax stage's basis, cycled without end with either ratio test (found by a 100,000-household
    /// batch). The iteration budget hands it over to the dual simplex, which solves it.
    @Test func fullPlanLeavesACyclingSimplex() throws {
        let scenario = Generator(seed: 2026).household(4007)
        let household = Household(scenario)
        let plan = Planner().plan(household, strategy: try Strategy(parsing: "full"))
        #expect(plan.status.isOptimal, "\(plan.status)")
        let known = KnownIssueLog()
        PropertyChecks(scenario, label: "generated 2026/4007", known: known).run()
        known.recordAsKnown()
    }
}

enum PropertyRegressions {
    enum Case: Sendable, CustomTestStringConvertible {
        case generated(GeneratedCase)
        case small(SmallCase)

        var scenario: Scenario {
            switch self {
            case .generated(let c): c.scenario
            case .small(let c): c.scenario
            }
        }
        var label: String { testDescription }
        var testDescription: String {
            switch self {
            case .generated(let c): c.testDescription
            case .small(let c): c.testDescription
            }
        }
    }

    static let cases: [Case] = [
        // A few fixed households, so that every run covers some whatever the random seed.
        .generated(GeneratedCase(symbols: 3, lots: 5, seed: 1, index: 0)),
        .generated(GeneratedCase(symbols: 12, lots: 40, seed: 2, index: 7)),
        .generated(GeneratedCase(symbols: 8, lots: 25, seed: 3, index: 3)),
        .small(SmallCase(seed: 1)),
        .small(SmallCase(seed: 2)),
        .small(SmallCase(seed: 3)),
        // Counterexample found (its scenario is also kept as text below).
        .small(SmallCase(seed: 8080721201751184060)),
        // Counterexamples: cash-only called infeasible (a lot with a gain of 5.6e-8 per dollar
        // in the tax rows); m1 selling a hair more than a lot holds (two partial sales).
        .small(SmallCase(seed: 11056841589827374612)),
        .generated(GeneratedCase(symbols: 12, lots: 17, seed: 10071798621868418638, index: 807)),
    ]

    /// SmallCase(seed: 8080721201751184060) as written then: misallocatedBefore is $195,366.895.
    static let halfCent = #"{"name":"Small 8080721201751184060","asOf":"2028-02-29","tax":{"shortTermRate":0.35,"longTermRate":0.15,"realizedThisYear":{"shortTerm":0,"longTerm":0},"carryforwardLoss":{"shortTerm":0,"longTerm":0},"ordinaryOffsetLimit":1500},"prices":{"ON":191.38,"VTI":223.98,"VXUS":303.34},"pie":{"name":"Core","slices":[{"symbol":"VXUS","weight":100}]},"accounts":[{"id":"taxExempt-0","type":"taxExempt","cash":0,"lots":[{"id":"L0-0","symbol":"ON","shares":233.02,"costBasis":62879.47,"acquired":"2018-11-01"},{"id":"L0-1","symbol":"VXUS","shares":75.89,"costBasis":33840.09,"acquired":"2019-06-29"},{"symbol":"VTI","shares":246.91,"costBasis":85719.5,"acquired":"2022-05-08"},{"symbol":"VTI","shares":58.26,"costBasis":8481.9,"acquired":"2028-01-30"},{"symbol":"VXUS","shares":61,"costBasis":31826.43,"acquired":"2019-10-23"}]},{"id":"taxExempt-1","type":"taxExempt","cash":0,"flow":6124,"lots":[{"symbol":"ON","shares":61.82,"costBasis":19876.27,"acquired":"2022-06-05"},{"symbol":"ON","shares":92.84,"costBasis":17767.72,"acquired":"2027-03-01"},{"symbol":"ON","shares":70,"costBasis":11521.08,"acquired":"2028-01-29"},{"symbol":"ON","shares":174,"costBasis":25308.09,"acquired":"2017-11-21"}]}]}"#

    /// GeneratedCase(symbols: 10, lots: 26, seed: 3392857723836470265, index: 261) as generated then.
    static let stall = #"{"name":"Household 262","asOf":"2026-11-20","tax":{"shortTermRate":0.35,"longTermRate":0.15,"realizedThisYear":{"shortTerm":0,"longTerm":0},"carryforwardLoss":{"shortTerm":0,"longTerm":0},"ordinaryOffsetLimit":3000},"prices":{"BND":386.04,"BNDX":579.14,"IEMG":421.56,"QQQ":153.84,"SCHD":359.35,"VGT":113.19,"VNQ":531.41,"VOO":155.02,"VTI":168.28,"VXUS":116.03},"pie":{"name":"Core","slices":[{"name":"Sleeve","weight":20,"slices":[{"weight":75,"slices":[{"symbol":"VTI","weight":43},{"symbol":"VXUS","weight":57}]},{"weight":25,"slices":[{"symbol":"BND","weight":20},{"symbol":"BNDX","weight":20},{"symbol":"VOO","weight":60}]}]},{"weight":80,"slices":[{"symbol":"QQQ","weight":21},{"symbol":"VNQ","weight":30},{"symbol":"SCHD","weight":3},{"symbol":"VGT","weight":20},{"symbol":"IEMG","weight":26}]}]},"accounts":[{"id":"taxable-1","type":"taxable","cash":359.58,"lots":[{"id":"L261-0","symbol":"VTI","shares":16.84,"costBasis":3457.28,"acquired":"2018-05-23"},{"symbol":"VOO","shares":57.46,"costBasis":13272.1,"acquired":"2021-11-09"},{"symbol":"QQQ","shares":44.94,"costBasis":4839.5,"acquired":"2019-08-16"},{"id":"L261-6","symbol":"VNQ","shares":143.57,"costBasis":93842.28,"acquired":"2026-10-29"},{"id":"L261-7","symbol":"SCHD","shares":0.13,"costBasis":56.99,"acquired":"2022-07-27"},{"id":"L261-14","symbol":"VXUS","shares":94.9,"costBasis":6716.86,"acquired":"2023-12-01"},{"symbol":"VXUS","shares":125.6,"costBasis":18945.38,"acquired":"2015-09-06"},{"symbol":"VXUS","shares":123.9,"costBasis":17826.39,"acquired":"2021-10-23"},{"symbol":"VXUS","shares":109.03,"costBasis":17458.04,"acquired":"2026-11-08"},{"symbol":"QQQ","shares":88.39,"costBasis":14005.86,"acquired":"2020-12-18"}]},{"id":"taxExempt-2","type":"taxExempt","cash":1993.81,"lots":[{"symbol":"VXUS","shares":43.23,"costBasis":5266.78,"acquired":"2023-01-09"},{"symbol":"BNDX","shares":73.02,"costBasis":58781.44,"acquired":"2019-02-17"},{"symbol":"VNQ","shares":132.26,"costBasis":63958.7,"acquired":"2025-07-14"},{"symbol":"VOO","shares":44.06,"costBasis":7239.99,"acquired":"2026-10-28"},{"symbol":"BNDX","shares":41.77,"costBasis":32173.6,"acquired":"2015-01-21"},{"symbol":"VGT","shares":83.6,"costBasis":13153.13,"acquired":"2018-09-24"},{"symbol":"IEMG","shares":9.11,"costBasis":4339.67,"acquired":"2020-06-19"},{"symbol":"VTI","shares":55.57,"costBasis":11034.56,"acquired":"2026-10-28"},{"symbol":"VGT","shares":9.27,"costBasis":482.66,"acquired":"2022-05-23"}]},{"id":"taxable-3","type":"taxable","cash":3149.02,"minCash":57,"lots":[{"id":"L261-2","symbol":"BND","shares":133.48,"costBasis":30401.89,"acquired":"2016-04-16"},{"symbol":"VGT","shares":33.38,"costBasis":3098.19,"acquired":"2026-11-10"},{"symbol":"IEMG","shares":168.63,"costBasis":100944.48,"acquired":"2024-03-08"},{"id":"L261-13","symbol":"VXUS","shares":34.93,"costBasis":3607.11,"acquired":"2020-04-02"},{"symbol":"VGT","shares":134.16,"costBasis":17007.84,"acquired":"2020-04-12"},{"symbol":"SCHD","shares":183.82,"costBasis":97101.9,"acquired":"2023-06-28"},{"symbol":"QQQ","shares":11.7,"costBasis":1115.96,"acquired":"2021-04-14"}]}]}"#
}

/// Failures that match a bug already reported: collected (the first 20) while a test runs and
/// recorded as ordinary issues when it ends, so they still fail the run — grouped at the end and
/// labelled `KNOWN-BUG <name>`, not set aside (`withKnownIssue` would set them aside; this does
/// not). A fix makes them disappear.
final class KnownIssueLog: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [String] = []

    func add(_ message: String) {
        lock.lock()
        defer { lock.unlock() }
        if messages.count < 20 { messages.append(message) }
    }

    func recordAsKnown(sourceLocation: SourceLocation = #_sourceLocation) {
        lock.lock()
        let all = messages
        lock.unlock()
        guard !all.isEmpty else { return }
        for message in all { Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation) }
    }
}

// MARK: - The checks

/// Plans one scenario under every strategy and checks every property, recording failures
/// labelled with the case and the strategy.
struct PropertyChecks {
    let scenario: Scenario
    let label: String
    let household: Household
    let oracle: ModelOracle
    let known: KnownIssueLog

    /// The most planning one household under every strategy may take (it takes well under a
    /// second): past it the planner is taken to hang.
    static let planningSeconds = 60.0

    init(_ scenario: Scenario, label: String, known: KnownIssueLog) {
        self.scenario = scenario
        self.label = label
        self.household = Household(scenario)
        self.oracle = ModelOracle(scenario)
        self.known = known
    }

    struct Run {
        let name: String
        let plan: Plan
        let report: PlanReport
        /// Recomputed from the report's trades.
        let measures: ModelOracle.Measures?
    }

    func expect(
        _ condition: Bool, _ message: @autoclosure () -> String, knownBug: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard !condition else { return }
        if let knownBug {
            known.add("KNOWN-BUG \(knownBug): \(label): \(message())")
        } else {
            Issue.record(Comment(rawValue: "\(label): \(message())"), sourceLocation: sourceLocation)
        }
    }

    /// Each strategy's plan, then the same plan twice more: from the same household, and from
    /// one whose price table was built in another order (dictionary order must not leak in).
    struct Planned: Sendable {
        let name: String
        let strategy: Strategy
        let plan: Plan
        let report: PlanReport
        let again: String?
        let reordered: String?
    }

    static func planAll(_ scenario: Scenario, _ household: Household) -> [Planned] {
        let planner = Planner()
        var out: [Planned] = []
        var shuffled = scenario
        var prices: [String: Double] = [:]
        prices.reserveCapacity(4 * scenario.prices.count + 17)
        for key in scenario.prices.keys.sorted().reversed() { prices[key] = scenario.prices[key] }
        shuffled.prices = prices
        let other = Household(shuffled)
        for name in PropertySettings.strategies + [PropertySettings.extraBudget] {
            guard let strategy = try? Strategy(parsing: name) else { continue }
            let plan = planner.plan(household, strategy: strategy)
            let report = PlanReport(plan, household: household)
            var again: String?, reordered: String?
            if name != PropertySettings.extraBudget && plan.status == .optimal {
                again = PlanReport(planner.plan(household, strategy: strategy), household: household).json.serialized()
                reordered = PlanReport(planner.plan(other, strategy: strategy), household: other).json.serialized()
            }
            out.append(Planned(name: name, strategy: strategy, plan: plan, report: report, again: again, reordered: reordered))
        }
        return out
    }

    func run() {
        // Planned on a worker thread, so that a planner that never returns fails this case
        // instead of hanging the suite.
        let worker = FuzzWorker()
        defer { worker.stop() }
        let (scenario, household) = (self.scenario, self.household)
        guard let planned = worker.run(timeout: Self.planningSeconds, { Self.planAll(scenario, household) }) else {
            Issue.record(
                Comment(rawValue: "\(label): planning every strategy did not return within \(Int(Self.planningSeconds)) s:\n\(scenario.json.serialized())"))
            return
        }
        var runs: [String: Run] = [:]
        for p in planned {
            let isBudget = if case .taxBudget = p.strategy.kind { true } else { false }
            if isBudget && p.plan.status == .infeasible { continue }
            expect(p.plan.status == .optimal, "\(p.name): status \(p.plan.status)")
            guard p.plan.status == .optimal else { continue }
            let measures = checkPlan(p.name, p.strategy, p.plan, p.report)
            runs[p.name] = Run(name: p.name, plan: p.plan, report: p.report, measures: measures)

            // Determinism: planning again gives the same JSON, byte for byte.
            let json = p.report.json.serialized()
            for (what, other) in [("planning twice differs", p.again), ("the plan depends on the price table's order", p.reordered)] {
                guard let other, other != json else { continue }
                let centFlip = JSONReadBack.differOnlyByACent(json, other)
                expect(false, "\(p.name): \(what):\n\(json)\n\(other)", knownBug: centFlip ? "half-cent" : nil)
            }
        }
        checkAcrossStrategies(runs)
    }

    /// Checks of one plan on its own; returns the measures recomputed from its trades.
    func checkPlan(_ name: String, _ strategy: Strategy, _ plan: Plan, _ report: PlanReport) -> ModelOracle.Measures? {
        // Lots: no more sold than held, nothing negative.
        expect(plan.sharesSold.count == oracle.lots.count, "\(name): \(plan.sharesSold.count) lot sales for \(oracle.lots.count) lots")
        guard plan.sharesSold.count == oracle.lots.count else { return nil }
        for (l, lot) in oracle.lots.enumerated() {
            let x = plan.sharesSold[l]
            expect(x.isFinite && x >= 0, "\(name): lot \(lot.where_) sells \(x) shares")
            expect(x <= lot.shares, "\(name): lot \(lot.where_) sells \(x) of \(lot.shares) shares")
        }
        for p in plan.purchases {
            expect(p.amount.isFinite && p.amount > 0, "\(name): buys \(p.amount) dollars of \(household.symbols[p.symbol])")
        }

        // The report's trades, read back into shares per lot and purchases.
        let decoded = oracle.decode(report)
        for problem in decoded.problems { expect(false, "\(name): \(problem)") }
        for (l, lot) in oracle.lots.enumerated() where decoded.sold[l] != plan.sharesSold[l] {
            expect(false, "\(name): the report sells \(decoded.sold[l]) of lot \(lot.where_), the plan \(plan.sharesSold[l])")
        }
        let m = oracle.measure(sold: decoded.sold, buys: decoded.buys)

        // Cash after each account ≥ minCash − 0.01, both as PlanMeasures and as recomputed here.
        let cash = PlanMeasures(household).cashAfter(sharesSold: plan.sharesSold, purchases: plan.purchases)
        for (a, account) in scenario.accounts.enumerated() {
            expect(cash[a] >= account.minCash - 0.01, "\(name): \(account.id) keeps \(cash[a]) < minCash \(account.minCash)")
            expect(
                m.cashAfter[a] >= account.minCash - 0.01,
                "\(name): \(account.id) keeps \(m.cashAfter[a]) (recomputed) < minCash \(account.minCash)")
            let reported = report.summary.cashAfter.first { $0.account == account.id }?.amount
            expect(
                reported.map { abs($0 - m.cashAfter[a]) <= oracle.moneyTolerance } ?? false,
                "\(name): \(account.id) cashAfter \(String(describing: reported)), recomputed \(m.cashAfter[a])")
        }

        // Nothing untargeted is bought.
        for buy in decoded.buys {
            let weight = oracle.groups[oracle.groupOf[buy.account]].targets[buy.symbol] ?? 0
            expect(weight > 0, "\(name): \(scenario.accounts[buy.account].id) buys \(buy.symbol), targeted at \(weight)")
        }

        // No lot marked doNotSell is sold; an account with a canBuy menu buys nothing else.
        for (a, account) in scenario.accounts.enumerated() {
            for (l, lot) in oracle.lots.enumerated() where lot.account == a && decoded.sold[l] > 0 {
                expect(!account.lots[lot.index].doNotSell, "\(name): lot \(lot.where_) is marked doNotSell and sold")
            }
        }
        for buy in decoded.buys where buy.amount > 0 {
            let menu = scenario.accounts[buy.account].canBuy
            expect(menu?.contains(buy.symbol) ?? true, "\(name): \(scenario.accounts[buy.account].id) buys \(buy.symbol), not in its canBuy \(menu ?? [])")
        }

        // Nothing a recent loss sale (on asOf or up to 30 days before) blocks is bought.
        let blocked = Set(scenario.recentSales.filter { ModelOracle.days(from: $0.sold, to: scenario.asOf) <= 30 }.map(\.symbol))
        for buy in decoded.buys where buy.amount > 0 {
            expect(!blocked.contains(buy.symbol), "\(name): \(scenario.accounts[buy.account].id) buys \(buy.symbol), which a recent loss sale blocks")
        }

        // Wash-sale guard: nothing bought anywhere is sold from a taxable loss lot.
        let bought = Set(decoded.buys.filter { $0.amount > 0 }.map(\.symbol))
        for (l, lot) in oracle.lots.enumerated() where decoded.sold[l] > 0 && lot.isTaxable && lot.gainPerShare < 0 {
            expect(!bought.contains(lot.symbol), "\(name): wash sale: \(lot.symbol) is bought and lot \(lot.where_) sold at a loss")
        }

        // The independent verifier agrees.
        let violations = PlanVerifier(household).violations(of: plan)
        expect(violations.isEmpty, "\(name): verifier: \(violations)")

        // The report's figures equal MODEL's formulas applied to its trades.
        let s = report.summary
        let tol = oracle.moneyTolerance
        expect(abs(s.misallocatedBefore - oracle.misallocationBefore) <= tol, "\(name): misallocatedBefore \(s.misallocatedBefore), recomputed \(oracle.misallocationBefore)")
        expect(abs(s.misallocatedAfter - m.misallocation) <= tol, "\(name): misallocatedAfter \(s.misallocatedAfter), recomputed \(m.misallocation)")
        expect(abs(s.driftAfter - m.misallocation / oracle.totalInvestable) <= 1e-9, "\(name): driftAfter \(s.driftAfter), recomputed \(m.misallocation / oracle.totalInvestable)")
        expect(abs(s.driftBefore - oracle.misallocationBefore / oracle.totalInvestable) <= 1e-9, "\(name): driftBefore \(s.driftBefore)")
        expect(abs(s.lotTax - m.lotTax) <= tol, "\(name): lotTax \(s.lotTax), recomputed \(m.lotTax)")
        expect(abs(s.estimatedTax - m.estimatedTax) <= tol, "\(name): estimatedTax \(s.estimatedTax), recomputed \(m.estimatedTax)")
        expect(abs(s.realizedShortTerm - m.realizedShortTerm) <= tol, "\(name): realized short-term \(s.realizedShortTerm), recomputed \(m.realizedShortTerm)")
        expect(abs(s.realizedLongTerm - m.realizedLongTerm) <= tol, "\(name): realized long-term \(s.realizedLongTerm), recomputed \(m.realizedLongTerm)")
        expect(abs(s.turnover - m.turnover) <= tol, "\(name): turnover \(s.turnover), recomputed \(m.turnover)")

        // The JSON prints every figure as its value, rounded (money to cents, shares to 6 decimals).
        for problem in JSONReadBack.problems(report) {
            // Money.formatShares falls back to "\(x)" from 9e9 shares, whose exponent it strips.
            let huge = report.trades.contains { $0.shares >= 9e9 }
            expect(false, "\(name): \(problem)", knownBug: huge ? "shares-exponent" : nil)
        }

        // cash-only sells no more per account than the account must raise.
        if case .cashOnly = strategy.kind {
            for (a, account) in scenario.accounts.enumerated() {
                let need = max(0, account.minCash - account.cash - account.flow)
                expect(m.soldByAccount[a] <= need + 0.01, "\(name): \(account.id) sells \(m.soldByAccount[a]), needs \(need)")
            }
        }
        // tax-budget:B keeps this year's tax (MODEL §5, recomputed here) ≤ B.
        if case .taxBudget(let budget) = strategy.kind {
            expect(m.estimatedTax <= budget + oracle.stageTolerance, "\(name): tax \(m.estimatedTax) over the budget")
        }
        return m
    }

    /// Properties that compare strategies with each other and with doing nothing.
    func checkAcrossStrategies(_ runs: [String: Run]) {
        let tol = oracle.stageTolerance
        func measures(_ name: String) -> ModelOracle.Measures? { runs[name]?.measures }
        let nothing = oracle.measure(sold: [Double](repeating: 0, count: oracle.lots.count), buys: [])
        let nothingFeasible = scenario.accounts.allSatisfy { $0.cash + $0.flow >= $0.minCash }

        if let full = measures("full") {
            // full never leaves more misallocation than doing nothing (when that is feasible)…
            if nothingFeasible {
                expect(full.misallocation <= nothing.misallocation + tol, "full leaves \(full.misallocation) misallocated, doing nothing \(nothing.misallocation)")
            }
            // …nor more than any other plan (each obeys every constraint of full and more).
            for (name, run) in runs where name != "full" {
                guard let other = run.measures else { continue }
                expect(full.misallocation <= other.misallocation + tol, "full leaves \(full.misallocation) misallocated, \(name) \(other.misallocation)")
            }
            // fifo reaches full's drift, with no less tax this year than full (whose second stage
            // is the least Tax at its drift).
            if let fifo = measures("fifo") {
                expect(abs(fifo.misallocation - full.misallocation) <= tol, "fifo leaves \(fifo.misallocation) misallocated, full \(full.misallocation)")
                expect(full.estimatedTax <= fifo.estimatedTax + tol, "full's tax \(full.estimatedTax) is above fifo's \(fifo.estimatedTax)")
            }
            // Any plan at full's drift pays at least full's tax.
            for (name, run) in runs where name != "full" {
                guard let other = run.measures, other.misallocation <= full.misallocation + 1e-9 else { continue }
                expect(full.estimatedTax <= other.estimatedTax + tol, "full's tax \(full.estimatedTax) is above \(name)'s \(other.estimatedTax) at the same drift")
            }
            if let cashOnly = measures("cash-only") {
                expect(cashOnly.misallocation >= full.misallocation - tol, "cash-only below full")
            }
        }

        // tax-aware:κ minimizes κ·D + Tax over every valid plan: no other strategy's plan, nor
        // doing nothing, does better.
        for (name, kappa) in [("tax-aware", 0.10), ("tax-aware:0.5", 0.5)] {
            guard let ta = measures(name) else { continue }
            let objective = kappa * ta.misallocation + ta.estimatedTax
            if nothingFeasible {
                let idle = kappa * nothing.misallocation + nothing.estimatedTax
                expect(objective <= idle + tol, "\(name): κ·D + Tax = \(objective), doing nothing \(idle)")
            }
            for (other, run) in runs where other != name {
                guard let m = run.measures else { continue }
                let theirs = kappa * m.misallocation + m.estimatedTax
                expect(objective <= theirs + tol, "\(name): κ·D + Tax = \(objective), \(other) reaches \(theirs)")
            }
        }

        // A larger tax budget never leaves more drift, and is feasible whenever a smaller one is.
        let budgets = ["tax-budget:0", "tax-budget:500", PropertySettings.extraBudget]
        for (small, large) in zip(budgets, budgets.dropFirst()) {
            if runs[small] != nil {
                expect(runs[large] != nil, "\(small) is optimal but \(large) is not")
            }
            if let s = measures(small), let l = measures(large) {
                expect(l.misallocation <= s.misallocation + tol, "\(large) leaves \(l.misallocation), \(small) \(s.misallocation)")
            }
        }
    }
}

// MARK: - JSON read back

/// Reads a report's JSON back and compares its figures with the report's own.
enum JSONReadBack {
    /// Every printed figure that does not read back as its value, rounded.
    static func problems(_ report: PlanReport) -> [String] {
        let text = report.json.serialized()
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            return ["the JSON does not parse: \(text.prefix(200))"]
        }
        var problems: [String] = []
        func number(_ any: Any?) -> Double? { (any as? NSNumber)?.doubleValue }
        func compare(_ printed: Any?, _ value: Double, places: Int, _ what: String) {
            guard let p = number(printed) else {
                problems.append("\(what) is not a number: \(String(describing: printed))")
                return
            }
            let allowed = 0.5 * pow(10, Double(-places)) + 1e-12 * abs(value) + 1e-9
            if abs(p - value) > allowed { problems.append("\(what) prints as \(p), its value is \(value)") }
        }
        let trades = object["trades"] as? [[String: Any]] ?? []
        if trades.count != report.trades.count { problems.append("\(trades.count) trades printed of \(report.trades.count)") }
        for (printed, trade) in zip(trades, report.trades) {
            let what = "\(trade.account) \(trade.action.rawValue) \(trade.symbol)"
            compare(printed["shares"], trade.shares, places: 6, "\(what) shares")
            compare(printed["amount"], trade.amount, places: 2, "\(what) amount")
            let lots = printed["lots"] as? [[String: Any]] ?? []
            for (p, lot) in zip(lots, trade.lots) {
                compare(p["shares"], lot.shares, places: 6, "\(what) lot shares")
                compare(p["gain"], lot.gain, places: 2, "\(what) lot gain")
            }
        }
        let summary = object["summary"] as? [String: Any] ?? [:]
        let s = report.summary
        compare(summary["driftBefore"], s.driftBefore, places: 6, "driftBefore")
        compare(summary["driftAfter"], s.driftAfter, places: 6, "driftAfter")
        compare(summary["misallocatedBefore"], s.misallocatedBefore, places: 2, "misallocatedBefore")
        compare(summary["misallocatedAfter"], s.misallocatedAfter, places: 2, "misallocatedAfter")
        compare(summary["turnover"], s.turnover, places: 2, "turnover")
        compare(summary["lotTax"], s.lotTax, places: 2, "lotTax")
        compare(summary["estimatedTax"], s.estimatedTax, places: 2, "estimatedTax")
        return problems
    }

    /// Whether two JSON texts differ only in numbers, each by at most a cent.
    static func differOnlyByACent(_ a: String, _ b: String) -> Bool {
        guard let x = try? JSONSerialization.jsonObject(with: Data(a.utf8)),
            let y = try? JSONSerialization.jsonObject(with: Data(b.utf8))
        else { return false }
        func same(_ x: Any, _ y: Any) -> Bool {
            switch (x, y) {
            case (let x as [String: Any], let y as [String: Any]):
                return x.keys.sorted() == y.keys.sorted() && x.keys.allSatisfy { same(x[$0]!, y[$0]!) }
            case (let x as [Any], let y as [Any]):
                return x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
            case (let x as String, let y as String):
                return x == y
            case (let x as Bool, let y as Bool):
                return x == y
            case (let x as NSNumber, let y as NSNumber):
                return abs(x.doubleValue - y.doubleValue) <= 0.010_000_1
            default:
                return false
            }
        }
        return same(x, y)
    }
}

// MARK: - MODEL written again

/// MODEL §2 (groups, targets, terms, rates, look-back), §3 (misallocation) and §5 (the tax
/// estimate), computed from the scenario alone with none of Rebalancing's code.
struct ModelOracle {
    struct LotFacts {
        let account: Int
        let index: Int
        let id: String?
        let symbol: String
        let shares: Double
        let price: Double
        let acquired: Day
        let gainPerShare: Double
        let isTaxable: Bool
        let isLongTerm: Bool
        let isLookBack: Bool
        let rate: Double
        let where_: String
    }

    struct GroupFacts {
        let accounts: [Int]
        let targets: [String: Double]
        let held: Set<String>
        let investable: Double
    }

    struct Buy {
        let account: Int
        let symbol: String
        let amount: Double
    }

    struct Measures {
        let misallocation: Double
        let lotTax: Double
        let estimatedTax: Double
        let realizedShortTerm: Double
        let realizedLongTerm: Double
        let turnover: Double
        let cashAfter: [Double]
        let soldByAccount: [Double]
    }

    let scenario: Scenario
    /// In household order: account by account, each account's lots in file order.
    let lots: [LotFacts]
    let groups: [GroupFacts]
    let groupOf: [Int]
    let totalInvestable: Double

    /// Agreement expected between the report and this recomputation: floating-point noise.
    var moneyTolerance: Double { 1e-6 + 1e-10 * totalInvestable }
    /// MODEL §4's stage tolerance: 0.01 + 1e-7·Σ I_G.
    var stageTolerance: Double { 0.01 + 1e-7 * totalInvestable }

    init(_ scenario: Scenario) {
        self.scenario = scenario
        let asOf = scenario.asOf

        // Look-back: lots in any account acquired 30 days or fewer before asOf, by symbol (no
        // identical groups yet). A loss lot is caught by such a lot other than itself.
        func isRecent(_ lot: Lot) -> Bool { Self.days(from: lot.acquired, to: asOf) <= 30 }
        var recent: [String: Int] = [:]
        for account in scenario.accounts {
            for lot in account.lots where isRecent(lot) { recent[lot.symbol, default: 0] += 1 }
        }

        var lots: [LotFacts] = []
        for (a, account) in scenario.accounts.enumerated() {
            for (l, lot) in account.lots.enumerated() {
                let price = scenario.prices[lot.symbol]!
                let g = price - lot.costBasis / lot.shares
                // Long-term iff asOf is later than the same month and day a year on (29 Feb → 28 Feb).
                let anniversaryDay = lot.acquired.month == 2 && lot.acquired.day == 29 ? 28 : lot.acquired.day
                let anniversary = (lot.acquired.year + 1, lot.acquired.month, anniversaryDay)
                let isLongTerm = (asOf.year, asOf.month, asOf.day) > anniversary
                let isTaxable = account.type == .taxable
                let isLookBack = isTaxable && g < 0 && (recent[lot.symbol] ?? 0) - (isRecent(lot) ? 1 : 0) > 0
                let rate =
                    !isTaxable || isLookBack ? 0 : (isLongTerm ? scenario.tax.longTermRate : scenario.tax.shortTermRate)
                lots.append(
                    LotFacts(
                        account: a, index: l, id: lot.id, symbol: lot.symbol, shares: lot.shares, price: price,
                        acquired: lot.acquired, gainPerShare: g, isTaxable: isTaxable, isLongTerm: isLongTerm,
                        isLookBack: isLookBack, rate: rate, where_: "\(account.id)[\(l)] \(lot.symbol)"))
            }
        }
        self.lots = lots

        func targets(_ pie: Pie?) -> [String: Double] {
            var out: [String: Double] = [:]
            func walk(_ pie: Pie, _ factor: Double) {
                for slice in pie.slices {
                    switch slice.content {
                    case .symbol(let s): out[s, default: 0] += factor * slice.weight / 100
                    case .pie(let inner): walk(inner, factor * slice.weight / 100)
                    }
                }
            }
            if let pie { walk(pie, 1) }
            return out
        }
        func group(_ members: [Int], _ pie: Pie?) -> GroupFacts {
            var value = 0.0
            var held = Set<String>()
            for a in members {
                let account = scenario.accounts[a]
                value += account.cash + account.flow - account.minCash
                for lot in account.lots {
                    value += scenario.prices[lot.symbol]! * lot.shares
                    held.insert(lot.symbol)
                }
            }
            return GroupFacts(accounts: members, targets: targets(pie), held: held, investable: value)
        }
        var groups: [GroupFacts] = []
        var groupOf = [Int](repeating: -1, count: scenario.accounts.count)
        let shared = scenario.accounts.indices.filter { scenario.accounts[$0].pie == nil }
        if !shared.isEmpty {
            for a in shared { groupOf[a] = groups.count }
            groups.append(group(shared, scenario.pie))
        }
        for (a, account) in scenario.accounts.enumerated() where account.pie != nil {
            groupOf[a] = groups.count
            groups.append(group([a], account.pie))
        }
        self.groups = groups
        self.groupOf = groupOf
        self.totalInvestable = groups.reduce(0) { $0 + $1.investable }
    }

    /// Days from `a` to `b`, by Foundation's Gregorian calendar (not Rebalancing's `Day`).
    static func days(from a: Day, to b: Day) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let da = calendar.date(from: DateComponents(year: a.year, month: a.month, day: a.day))!
        let db = calendar.date(from: DateComponents(year: b.year, month: b.month, day: b.day))!
        return calendar.dateComponents([.day], from: da, to: db).day!
    }

    var misallocationBefore: Double {
        // Before trading a shortfall (cash + flow < minCash) counts too, as |e_a| (README).
        measure(sold: [Double](repeating: 0, count: lots.count), buys: []).misallocation
    }

    /// MODEL's measures of a plan given as shares sold per lot and dollars bought.
    func measure(sold: [Double], buys: [Buy]) -> Measures {
        var cash = scenario.accounts.map { $0.cash + $0.flow }
        var soldByAccount = [Double](repeating: 0, count: scenario.accounts.count)
        var holdings = [[String: Double]](repeating: [:], count: groups.count)
        var lotTax = 0.0, realizedST = 0.0, realizedLT = 0.0, planST = 0.0, planLT = 0.0, turnover = 0.0
        for (l, lot) in lots.enumerated() {
            let x = sold[l]
            cash[lot.account] += lot.price * x
            soldByAccount[lot.account] += lot.price * x
            turnover += lot.price * x
            holdings[groupOf[lot.account]][lot.symbol, default: 0] += lot.price * (lot.shares - x)
            let gain = lot.gainPerShare * x
            lotTax += lot.rate * gain
            if lot.isTaxable && x > 0 {
                if lot.isLongTerm { realizedLT += gain } else { realizedST += gain }
                let counted = lot.isLookBack ? 0 : gain
                if lot.isLongTerm { planLT += counted } else { planST += counted }
            }
        }
        for buy in buys {
            cash[buy.account] -= buy.amount
            turnover += buy.amount
            holdings[groupOf[buy.account]][buy.symbol, default: 0] += buy.amount
        }
        var misallocation = 0.0
        for (g, group) in groups.enumerated() {
            var sum = 0.0
            for s in group.held.union(group.targets.keys).union(holdings[g].keys) {
                sum += abs((holdings[g][s] ?? 0) - (group.targets[s] ?? 0) * group.investable)
            }
            for a in group.accounts { sum += abs(cash[a] - scenario.accounts[a].minCash) }
            misallocation += sum / 2
        }
        let t = scenario.tax
        let s0 = t.realizedThisYear.shortTerm - t.carryforwardLoss.shortTerm
        let l0 = t.realizedThisYear.longTerm - t.carryforwardLoss.longTerm
        let estimated = tax(s0 + planST, l0 + planLT) - tax(s0, l0)
        return Measures(
            misallocation: misallocation, lotTax: lotTax, estimatedTax: estimated, realizedShortTerm: realizedST,
            realizedLongTerm: realizedLT, turnover: turnover, cashAfter: cash, soldByAccount: soldByAccount)
    }

    /// Tax(S, L) of MODEL §5.
    func tax(_ s: Double, _ l: Double) -> Double {
        let rST = scenario.tax.shortTermRate, rLT = scenario.tax.longTermRate
        if s >= 0 && l >= 0 { return rST * s + rLT * l }
        if s < 0 && l >= 0 && s + l >= 0 { return rLT * (s + l) }
        if l < 0 && s >= 0 && s + l >= 0 { return rST * (s + l) }
        return -rST * min(scenario.tax.ordinaryOffsetLimit, -(s + l))
    }

    /// Reads a report's trades back into shares sold per lot and purchases, matching each sold
    /// lot to the scenario's by account, symbol, acquisition date, id, shares and gain.
    func decode(_ report: PlanReport) -> (sold: [Double], buys: [Buy], problems: [String]) {
        var sold = [Double](repeating: 0, count: lots.count)
        var buys: [Buy] = []
        var problems: [String] = []
        var accountIndex: [String: Int] = [:]
        for (a, account) in scenario.accounts.enumerated() { accountIndex[account.id] = a }
        var seen = Set<String>()
        for trade in report.trades {
            let key = "\(trade.account)/\(trade.symbol)/\(trade.action.rawValue)"
            if !seen.insert(key).inserted { problems.append("two trades \(key)") }
            guard let a = accountIndex[trade.account] else {
                problems.append("a trade in unknown account \(trade.account)")
                continue
            }
            guard let price = scenario.prices[trade.symbol] else {
                problems.append("a trade of unpriced \(trade.symbol)")
                continue
            }
            if trade.price != price { problems.append("\(key): price \(trade.price), scenario \(price)") }
            if abs(trade.amount - trade.shares * price) > 1e-9 * max(1, trade.amount) {
                problems.append("\(key): amount \(trade.amount) ≠ shares × price \(trade.shares * price)")
            }
            switch trade.action {
            case .buy:
                if !trade.lots.isEmpty { problems.append("\(key): a buy lists sold lots") }
                buys.append(Buy(account: a, symbol: trade.symbol, amount: trade.amount))
            case .sell:
                if trade.lots.isEmpty { problems.append("\(key): a sell lists no lots") }
                var shares = 0.0
                for soldLot in trade.lots {
                    shares += soldLot.shares
                    let match = lots.indices.first { l in
                        let lot = lots[l]
                        return lot.account == a && lot.symbol == trade.symbol && lot.acquired == soldLot.acquired
                            && lot.id == soldLot.id && sold[l] == 0 && soldLot.shares <= lot.shares
                            && abs(lot.gainPerShare * soldLot.shares - soldLot.gain) <= 1e-6 * max(1, abs(soldLot.gain))
                            && lot.isLongTerm == soldLot.isLongTerm && lot.isLookBack == soldLot.isDisallowed
                    }
                    guard let l = match else {
                        problems.append(
                            "\(key): sold lot \(soldLot.acquired) id \(soldLot.id ?? "-") \(soldLot.shares) sh, gain \(soldLot.gain), "
                                + "long \(soldLot.isLongTerm), washSale \(soldLot.isDisallowed) matches no lot")
                        continue
                    }
                    if !(soldLot.shares > 0) { problems.append("\(key): sells \(soldLot.shares) shares of a lot") }
                    sold[l] = soldLot.shares
                }
                if abs(shares - trade.shares) > 1e-9 * max(1, shares) {
                    problems.append("\(key): \(trade.shares) shares, its lots \(shares)")
                }
            }
        }
        return (sold, buys, problems)
    }
}

// MARK: - Small scenarios

/// Builds small valid scenarios around MODEL's edges from a seed.
enum SmallScenarioBuilder {
    static let tickers = ["VTI", "VXUS", "BND", "ON", "BRK.B", "TIP"]
    static let asOfChoices = ["2026-11-20", "2028-02-29", "2027-03-01", "2025-01-01", "2028-03-01"]

    static func make(seed: UInt64) -> Scenario {
        var rng = SplitMix64(seed: seed ^ 0x5EED_5EED_5EED_5EED)
        func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
        func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
        func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }
        func cents(_ range: ClosedRange<Int>) -> Double { Double(int(range)) / 100 }

        let asOf = Day(pick(asOfChoices))!
        let symbolCount = int(2...5)
        let names = Array(tickers.shuffled(using: &rng).prefix(symbolCount))
        var prices: [String: Double] = [:]
        for name in names { prices[name] = chance(0.1) ? pick([0.37, 1.5, 4321.09]) : cents(500...40_000) }

        // Acquisition dates on the edges: today, the 30/31-day look-back boundary, exactly a year
        // (short-term) and a year and a day (long-term), leap days, and anything older.
        func acquired() -> Day {
            switch int(0...9) {
            case 0: return asOf
            case 1: return Day(ordinal: asOf.ordinal - pick([1, 29, 30, 31, 32]))
            case 2:
                let d = asOf.month == 2 && asOf.day == 29 ? 28 : asOf.day
                let sameDay = Day(year: asOf.year - 1, month: asOf.month, day: d)!
                return Day(ordinal: sameDay.ordinal + pick([-1, 0, 1]))
            case 3: return pick([Day("2024-02-29")!, Day("2024-02-28")!, Day("2024-03-01")!, Day("2020-02-29")!].filter { $0 <= asOf })
            default: return Day(ordinal: asOf.ordinal - int(33...4000))
            }
        }

        func weights(_ n: Int) -> [Double] {
            if n == 3 && chance(0.2) { return [33.33, 33.33, 33.34] }
            if n == 1 { return [100] }
            var cuts = Set<Int>()
            while cuts.count < n - 1 { cuts.insert(int(1...99)) }
            let points = [0] + cuts.sorted() + [100]
            return (0..<n).map { Double(points[$0 + 1] - points[$0]) }
        }
        func pie(_ pool: [String], depth: Int) -> Pie {
            var members = pool
            if chance(0.15), let first = members.first { members.append(first) }  // a symbol in two leaves
            if depth < 2 && members.count >= 3 && chance(0.35) {
                let cut = int(1...(members.count - 1))
                let w = weights(2)
                return Pie(
                    name: "Sleeve\(depth)",
                    slices: [
                        Slice(weight: w[0], content: .pie(pie(Array(members[..<cut]), depth: depth + 1))),
                        Slice(weight: w[1], content: .pie(pie(Array(members[cut...]), depth: depth + 1))),
                    ])
            }
            let w = weights(members.count)
            return Pie(name: depth == 0 ? "Core" : nil, slices: zip(members, w).map { Slice(weight: $1, content: .symbol($0)) })
        }
        func subset() -> [String] {
            let shuffled = names.shuffled(using: &rng)
            return Array(shuffled.prefix(chance(0.7) ? shuffled.count : int(1...shuffled.count)))
        }

        var accounts: [Account] = []
        for i in 0..<int(1...3) {
            let type = pick(AccountType.allCases)
            var account = Account(id: "\(type.rawValue)-\(i)", type: type, cash: chance(0.3) ? 0 : cents(0...2_000_000))
            for l in 0..<int(0...6) {
                let symbol = pick(names)
                let price = prices[symbol]!
                let shares = chance(0.5) ? Double(int(1...300)) : cents(1...30_000)
                let factor = chance(0.15) ? pick([0.0, 1.0]) : Double(int(30...180)) / 100
                let basis = (price * factor * shares * 100).rounded() / 100
                account.lots.append(
                    Lot(id: chance(0.4) ? "L\(i)-\(l)" : nil, symbol: symbol, shares: shares, costBasis: basis, acquired: acquired()))
            }
            let holdings = account.lots.reduce(0) { $0 + prices[$1.symbol]! * $1.shares }
            if chance(0.25) { account.minCash = Double(int(0...500)) }
            if chance(0.25) {
                account.flow = Double(int(1...20_000))
            } else if chance(0.25), account.cash + holdings > 0 {
                // A withdrawal up to everything the account can raise.
                let most = account.cash + holdings - account.minCash
                if most > 1 { account.flow = -(most * Double(int(5...100)) / 100 * 100).rounded(.down) / 100 }
            }
            if account.cash + account.flow + holdings < account.minCash { account.minCash = 0 }
            if i > 0 && chance(0.25) { account.pie = pie(subset(), depth: 0) }
            accounts.append(account)
        }
        // Every group needs something to invest.
        for a in accounts.indices where accounts[a].pie != nil {
            let holdings = accounts[a].lots.reduce(0) { $0 + prices[$1.symbol]! * $1.shares }
            if accounts[a].cash + accounts[a].flow + holdings - accounts[a].minCash <= 1 { accounts[a].cash += 1000 }
        }
        let shared = accounts.indices.filter { accounts[$0].pie == nil }
        let sharedValue = shared.reduce(0.0) { total, a in
            total + accounts[a].cash + accounts[a].flow - accounts[a].minCash
                + accounts[a].lots.reduce(0) { $0 + prices[$1.symbol]! * $1.shares }
        }
        if !shared.isEmpty && sharedValue <= 1 { accounts[shared[0]].cash += 1000 }

        var tax = TaxSettings()
        let rates = pick([(0.35, 0.15), (0.24, 0.15), (0.37, 0.20), (0.0, 0.0), (0.5, 0.5), (0.1, 0.3)])
        tax.shortTermRate = rates.0
        tax.longTermRate = rates.1
        if chance(0.4) {
            tax.realizedThisYear = TermAmounts(shortTerm: Double(int(-8000...8000)), longTerm: Double(int(-8000...20000)))
        }
        if chance(0.3) { tax.carryforwardLoss = TermAmounts(shortTerm: Double(int(0...5000)), longTerm: Double(int(0...5000))) }
        if chance(0.3) { tax.ordinaryOffsetLimit = pick([0, 1500, 3000, 10_000]) }

        let householdPie = pie(subset(), depth: 0)

        // Recent loss sales, drawn last so that earlier seeds keep their households: on asOf,
        // inside the 30-day window or at its edge; of a symbol held or targeted, or long gone.
        var recentSales: [RecentSale] = []
        if chance(0.3) {
            for _ in 0..<int(1...2) {
                recentSales.append(
                    RecentSale(
                        account: pick(accounts).id, symbol: chance(0.8) ? pick(names) : "GONE", shares: Double(int(1...100)),
                        loss: cents(0...500_000), sold: Day(ordinal: asOf.ordinal - pick([0, 1, 15, 29, 30]))))
            }
        }
        // doNotSell lots and canBuy menus, drawn after everything else (earlier seeds unchanged):
        // lots are marked only where the account needs no sale (no withdrawal, cash ≥ minCash), so
        // the scenario stays valid; a menu is any subset of the symbols, possibly empty.
        for a in accounts.indices {
            if chance(0.3), accounts[a].flow >= 0, accounts[a].cash + accounts[a].flow >= accounts[a].minCash {
                for l in accounts[a].lots.indices where chance(0.4) { accounts[a].lots[l].doNotSell = true }
            }
            if chance(0.2) { accounts[a].canBuy = names.filter { _ in chance(0.5) } }
        }
        return Scenario(
            name: "Small \(seed)", asOf: asOf, tax: tax, prices: prices, pie: householdPie, accounts: accounts,
            recentSales: recentSales)
    }
}
