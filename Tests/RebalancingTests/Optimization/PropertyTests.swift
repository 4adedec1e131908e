import Foundation
import LinearProgramming
import PropertyBased
import Testing

@testable import Rebalancing

// Property tests: random households (Rebalancing's own `Generator`, and small edge-case
// scenarios from `SmallScenarioBuilder`), planned under every strategy; each plan is checked
// against docs/strategies.md and docs/tax-model.md recomputed by `ModelOracle` from the scenario and the report's trades
// alone (both in RebalanceTestSupport).
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
/// edges the model cares about (look-back windows, the one-year boundary, leap days, zero basis,
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
            // Written as docs/scenario-format.md JSON and read back: the scenario the CLI would see.
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
    /// The small scenarios reach the class rules: among 200 seeds some have alternates (held,
    /// on a menu), some identical groups, and each reads back valid; some plan swaps into an
    /// alternate or fills a class with one.
    @Test func smallScenariosDrawAlternatesAndIdenticalGroups() throws {
        var withAlternates = 0, withIdentical = 0, heldAlternates = 0, menus = 0, boughtAlternates = 0
        for seed in UInt64(0)..<200 {
            let built = SmallScenarioBuilder.make(seed: seed)
            let scenario = try ScenarioLoader.parse(Data(built.json.serialized().utf8), format: .json, source: "small.json")
            let h = Household(scenario)
            var alternates = Set<Int>()
            for group in h.groups { for c in group.classes { alternates.formUnion(c.members.dropFirst()) } }
            if !alternates.isEmpty { withAlternates += 1 }
            if !scenario.identicalGroups.isEmpty { withIdentical += 1 }
            if h.lots.contains(where: { alternates.contains($0.symbol) }) { heldAlternates += 1 }
            if scenario.accounts.contains(where: { $0.canBuy?.contains { alternates.contains(h.symbols.firstIndex(of: $0) ?? -1) } ?? false }) {
                menus += 1
            }
            if !alternates.isEmpty && boughtAlternates < 3 {
                let plan = Planner().plan(h, strategy: try Strategy(parsing: "full"))
                if plan.purchases.contains(where: { $0.amount > 0.01 && alternates.contains($0.symbol) }) { boughtAlternates += 1 }
            }
        }
        #expect(withAlternates >= 40 && withIdentical >= 20 && heldAlternates >= 20 && menus >= 3 && boughtAlternates >= 3,
            "alternates \(withAlternates), identical \(withIdentical), held \(heldAlternates), menus \(menus), bought \(boughtAlternates)")
    }

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

        // Nothing outside a targeted class (a leaf's symbol or its alternates) is bought.
        for buy in decoded.buys {
            let group = oracle.groups[oracle.groupOf[buy.account]]
            let weight = group.classOf[buy.symbol].flatMap { group.targets[$0] } ?? 0
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
        // A sale blocks its whole identical group.
        let key = { (symbol: String) in ModelOracle.identicalKey(scenario, symbol) }
        let blocked = Set(
            scenario.recentSales.filter { ModelOracle.days(from: $0.sold, to: scenario.asOf) <= 30 }.map { key($0.symbol) })
        for buy in decoded.buys where buy.amount > 0 {
            expect(!blocked.contains(key(buy.symbol)), "\(name): \(scenario.accounts[buy.account].id) buys \(buy.symbol), which a recent loss sale blocks")
        }

        // Wash-sale guard: no identical group bought anywhere is sold from a taxable loss lot.
        let bought = Set(decoded.buys.filter { $0.amount > 0 }.map { key($0.symbol) })
        for (l, lot) in oracle.lots.enumerated() where decoded.sold[l] > 0 && lot.isTaxable && lot.gainPerShare < 0 {
            expect(!bought.contains(key(lot.symbol)), "\(name): wash sale: \(lot.symbol) is bought and lot \(lot.where_) sold at a loss")
        }

        // The independent verifier agrees.
        let violations = PlanVerifier(household).violations(of: plan)
        expect(violations.isEmpty, "\(name): verifier: \(violations)")

        // The report's figures equal the documented formulas applied to its trades.
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
        // tax-budget:B keeps this year's tax (docs/tax-model.md, recomputed here) ≤ B.
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
