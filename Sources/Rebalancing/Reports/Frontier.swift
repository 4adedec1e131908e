/// The trade-off between tax and drift: `tax-budget` plans with budgets on this year's tax
/// (Tax, MODEL §5) from the least any valid plan can pay up to the full rebalance's.
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

    public init(_ household: Household, name: String, points count: Int, planner: Planner) {
        self.household = household
        self.name = name
        let full = PlanReport(planner.plan(household, strategy: .full), household: household)
        self.full = full
        let least = PlanReport(planner.leastTax(household), household: household)
        leastTax = least.plan.hasTrades ? least.summary.estimatedTax : nil
        // Budgets in whole cents, rounded up so that the least is within its own budget.
        func centsUp(_ x: Double) -> Double { (x * 100 - 1e-6).rounded(.up) / 100 }
        let bottom = centsUp(leastTax ?? 0)
        let top = max(bottom, full.plan.hasTrades ? centsUp(full.summary.estimatedTax) : bottom)
        let n = max(2, count)
        // Budgets that round to the same cents (all of them where the least tax is the full
        // rebalance's, as on direct-indexing households harvesting up to the offset limit) are
        // planned once.
        var planned: [Double: PlanReport] = [:]
        points = (0..<n).map { i in
            let budget = i == 0 ? bottom : i == n - 1 ? top : Money.cents(bottom + (top - bottom) * Double(i) / Double(n - 1))
            if let report = planned[budget] { return Point(taxBudget: budget, report: report) }
            let strategy = Strategy(name: "tax-budget:\(Money.fixed(budget, places: 2))", kind: .taxBudget(budget))
            let report = PlanReport(planner.plan(household, strategy: strategy), household: household)
            planned[budget] = report
            return Point(taxBudget: budget, report: report)
        }
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
