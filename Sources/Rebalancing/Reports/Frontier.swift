/// The trade-off between tax and drift: `tax-budget` plans from a zero budget up to the lot tax
/// of the full rebalance.
public struct Frontier: Sendable {
    public struct Point: Sendable {
        public let taxBudget: Double
        public let report: PlanReport
    }

    public let household: Household
    public let name: String
    public let full: PlanReport
    public let points: [Point]

    public init(_ household: Household, name: String, points count: Int, planner: Planner) {
        self.household = household
        self.name = name
        let full = PlanReport(planner.plan(household, strategy: Strategy(name: "full", kind: .full)), household: household)
        self.full = full
        let top = max(0, full.summary.lotTax)
        let n = max(2, count)
        points = (0..<n).map { i in
            let budget = Money.cents(top * Double(i) / Double(n - 1))
            let strategy = Strategy(name: "tax-budget:\(Money.fixed(budget, places: 2))", kind: .taxBudget(budget))
            return Point(taxBudget: budget, report: PlanReport(planner.plan(household, strategy: strategy), household: household))
        }
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
