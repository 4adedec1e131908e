/// The trades a strategy chose, in the household's own terms: shares sold per lot and dollars
/// bought per account and symbol. Figures about a plan come from ``PlanReport``.
public struct Plan: Sendable {
    public struct Purchase: Sendable, Equatable {
        public let account: Int
        public let symbol: Int
        /// Dollars bought.
        public var amount: Double
        public init(account: Int, symbol: Int, amount: Double) {
            self.account = account
            self.symbol = symbol
            self.amount = amount
        }
    }

    public let strategy: Strategy
    public var status: PlanStatus
    /// x_l: shares sold from each lot, in household lot order (all zero when there is no plan).
    public var sharesSold: [Double]
    public var purchases: [Purchase]
    /// Lot tax paid for the last dollar of misallocation removed (the negated dual of the
    /// drift stage's row in the tax stage): also what one more dollar of drift left in place
    /// would save. Nil when the strategy has no drift-then-tax stages.
    public var marginalTaxPerDollar: Double?

    public init(
        strategy: Strategy, status: PlanStatus, sharesSold: [Double], purchases: [Purchase],
        marginalTaxPerDollar: Double? = nil
    ) {
        self.strategy = strategy
        self.status = status
        self.sharesSold = sharesSold
        self.purchases = purchases
        self.marginalTaxPerDollar = marginalTaxPerDollar
    }

    /// A plan with no trades and the status that explains why.
    public static func none(_ strategy: Strategy, _ household: Household, status: PlanStatus) -> Plan {
        Plan(
            strategy: strategy, status: status, sharesSold: [Double](repeating: 0, count: household.lots.count),
            purchases: [])
    }

    /// Whether the plan's trades mean anything (optimal, or feasible at a time limit).
    public var hasTrades: Bool {
        switch status {
        case .optimal, .timeLimit(feasible: true): true
        default: false
        }
    }
}
