/// The trade-off between tax and drift: `tax-budget` plans with budgets on this year's tax
/// (Tax, docs/tax-model.md) from the least any valid plan can pay up to the full rebalance's.
///
/// The least is found by minimizing Tax alone: a forced withdrawal can make it positive, and a
/// budget below it has no plan, so the frontier never starts at an infeasible $0.
public struct Frontier: Sendable {
    public struct Point: Sendable {
        public let taxBudget: Double
        public let report: PlanReport

        /// The point's figures as every table prints them — tax this year, lot tax, drift after,
        /// turnover — or nil when its budget gave no plan.
        public var figures: [String]? {
            guard report.plan.hasTrades else { return nil }
            let s = report.summary
            return [Money.format(s.estimatedTax), Money.format(s.lotTax), Money.percent(s.driftAfter), Money.format(s.turnover)]
        }
    }

    public let household: Household
    public let name: String
    public let full: PlanReport
    /// The least Tax any valid plan can have (nil if it could not be found, e.g. at a time limit).
    public let leastTax: Double?
    public let points: [Point]

    /// The plans are made on up to `jobs` threads (``Workers``): first `full` and the least tax
    /// side by side, then the budgets between them; the points are the same on any number of threads.
    public init(_ household: Household, name: String, points count: Int, planner: Planner, jobs: Int = 1) {
        self.household = household
        self.name = name
        let ends = Workers.map(2, jobs: jobs, planner: planner) {
            PlanReport($0 == 0 ? planner.plan(household, strategy: .full) : planner.leastTax(household), household: household)
        }
        let full = ends[0]
        self.full = full
        let least = ends[1]
        leastTax = least.plan.hasTrades ? least.summary.estimatedTax : nil
        // Budgets in whole cents, rounded up so that the least is within its own budget.
        func centsUp(_ x: Double) -> Double { (x * 100 - 1e-6).rounded(.up) / 100 }
        let bottom = centsUp(leastTax ?? 0)
        let top = max(bottom, full.plan.hasTrades ? centsUp(full.summary.estimatedTax) : bottom)
        let n = max(2, count)
        let budgets = (0..<n).map { i in
            i == 0 ? bottom : i == n - 1 ? top : Money.cents(bottom + (top - bottom) * Double(i) / Double(n - 1))
        }
        // Budgets that round to the same cents (all of them where the least tax is the full
        // rebalance's, as on direct-indexing households harvesting up to the offset limit) are
        // planned once.
        var distinct: [Double] = []
        for budget in budgets where !distinct.contains(budget) { distinct.append(budget) }
        let reports = Workers.map(distinct.count, jobs: jobs, planner: planner) { [distinct] i in
            let budget = distinct[i]
            let strategy = Strategy(name: "tax-budget:\(Money.fixed(budget, places: 2))", kind: .taxBudget(budget))
            return PlanReport(planner.plan(household, strategy: strategy), household: household)
        }
        let planned = Dictionary(uniqueKeysWithValues: zip(distinct, reports))
        points = budgets.map { Point(taxBudget: $0, report: planned[$0]!) }
    }

    /// Whether every point gives the same plan (the same tax, lot tax, drift and turnover as
    /// printed): there is no trade-off to show.
    public var isFlat: Bool {
        let printed = points.map(\.figures)
        guard !printed.contains(nil) else { return false }
        return Set(printed).count == 1
    }

    /// `{"scenario": NAME, "assumptions": {...}, "points": [{"taxBudget", "lotTax", "estimatedTax", "driftAfter", "turnover"}]}`.
    public var json: JSONValue {
        .object([
            ("scenario", .string(name)),
            ("assumptions", Assumptions(household.scenario.tax).json),
            (
                "points",
                .array(
                    points.map { point in
                        let s = point.report.summary
                        var fields: [(String, JSONValue)] = [("taxBudget", .money(point.taxBudget))]
                        fields.append(("status", .string(point.report.status.name)))
                        if point.report.plan.hasTrades {
                            fields += [
                                ("lotTax", .money(s.lotTax)),
                                ("estimatedTax", .money(s.estimatedTax)),
                                ("driftAfter", .fraction(s.driftAfter)),
                                ("turnover", .money(s.turnover)),
                            ]
                        } else {
                            fields.append(("message", .string(point.report.status.description)))
                        }
                        return .object(fields)
                    })
            ),
        ])
    }
}
