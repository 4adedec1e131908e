/// Several strategies' plans for one household, side by side, with what the optimizer's `full`
/// saves against the `fifo` baseline at the same drift.
public struct Comparison: Sendable {
    public struct Savings: Sendable {
        public let full: PlanReport
        public let fifo: PlanReport
        public var lotTax: Double { fifo.summary.lotTax - full.summary.lotTax }
        public var estimatedTax: Double { fifo.summary.estimatedTax - full.summary.estimatedTax }
    }

    public let household: Household
    public let name: String
    public let reports: [PlanReport]
    private let fullPlan: Plan?
    private let planner: Planner

    /// The strategies' plans are made on up to `jobs` threads (``Workers``); the reports come in
    /// the strategies' order and are the same on any number of threads.
    public init(_ household: Household, name: String, strategies: [Strategy], planner: Planner, jobs: Int = 1) {
        self.household = household
        self.name = name
        self.planner = planner
        // The solves: `full` once (`fifo` sells other lots for its trades, and a second `full`
        // under another name is the same plan), every other strategy on its own.
        var solves: [Strategy] = []
        var fullSolve: Int?
        let solveOf: [Int] = strategies.map { strategy in
            switch strategy.kind {
            case .fifo, .full:
                if let fullSolve { return fullSolve }
                fullSolve = solves.count
            case .cashOnly, .taxBudget, .taxAware, .band, .m1:
                break
            }
            solves.append(strategy.kind == .fifo ? .full : strategy)
            return solves.count - 1
        }
        // Each solve's first LP may start where an earlier one's ended (`StartingBases`).
        let bases = StartingBases(count: solves.count)
        let plans = Workers.map(solves.count, jobs: jobs, planner: planner) { [solves] in
            planner.plan(household, strategy: solves[$0], bases: bases, index: $0)
        }
        let full = fullSolve.map { plans[$0] }
        var reports: [PlanReport] = []
        let before = PlanMeasures(household).misallocation(sharesSold: nil, purchases: [])
        for (strategy, solve) in zip(strategies, solveOf) {
            let made = plans[solve]
            let plan: Plan
            switch strategy.kind {
            case .fifo:
                plan = planner.fifo(household, full: made, strategy: strategy)
            case .full:
                plan = Plan(
                    strategy: strategy, status: made.status, sharesSold: made.sharesSold, purchases: made.purchases,
                    marginalTaxPerDollar: made.marginalTaxPerDollar)
            case .cashOnly, .taxBudget, .taxAware, .band, .m1:
                plan = made
            }
            reports.append(PlanReport(plan, household: household, misallocatedBefore: before))
        }
        self.reports = reports
        self.fullPlan = full
    }

    /// What `full` saves against `fifo` at the same drift (solving `full` if the comparison did
    /// not); nil when `full` has no plan (it always has one for a valid scenario).
    public var savings: Savings? {
        let full = fullPlan ?? planner.plan(household, strategy: .full)
        guard full.hasTrades else { return nil }
        let fifo = planner.fifo(household, full: full, strategy: .fifo)
        return Savings(full: PlanReport(full, household: household), fifo: PlanReport(fifo, household: household))
    }

    /// Every note of the compared plans once, with the strategies whose plans carry it, in the
    /// order the notes first appear.
    public var notes: [(text: String, strategies: [String])] {
        var order: [String] = []
        var strategies: [String: [String]] = [:]
        for report in reports {
            for note in report.notes {
                let text = note.text
                if strategies[text] == nil { order.append(text) }
                let name = report.strategy.name
                if strategies[text]?.last != name { strategies[text, default: []].append(name) }
            }
        }
        return order.map { ($0, strategies[$0]!) }
    }

    /// The tax settings every plan's figures assume.
    public var assumptions: Assumptions { Assumptions(household.scenario.tax) }

    /// `{"scenario": NAME, "assumptions": {...}, "plans": [PLAN, ...]}` (docs/output.md, with the
    /// assumptions stated once for every plan).
    public var json: JSONValue {
        .object([("scenario", .string(name)), ("assumptions", assumptions.json), ("plans", .array(reports.map(\.json)))])
    }
}
