/// What a report's tax figures assume: both rates, the ordinary-offset limit, the gains already
/// realized this year, the loss carried in and the trading cost, each marked when it is a default rather than
/// something the scenario gave. Every report states them.
public struct Assumptions: Sendable {
    public let settings: TaxSettings

    public init(_ settings: TaxSettings) { self.settings = settings }

    /// The settings the scenario did not give, in the order of the `tax` mapping.
    public var defaults: [TaxSettings.Key] { TaxSettings.Key.allCases.filter(settings.isDefault) }

    /// One line per assumption, `(label, value)`, the value ending in `(default)` when it is one:
    /// `("Tax rates", "short-term 35% (default), long-term 15% (default)")`.
    public var lines: [(label: String, value: String)] {
        func mark(_ key: TaxSettings.Key) -> String { settings.isDefault(key) ? " (default)" : "" }
        func rate(_ x: Double) -> String { Money.decimal(x * 100) + "%" }
        func terms(_ t: TermAmounts, _ key: TaxSettings.Key) -> String {
            "short-term \(Money.format(t.shortTerm)), long-term \(Money.format(t.longTerm))\(mark(key))"
        }
        return [
            (
                "Tax rates",
                "short-term \(rate(settings.shortTermRate))\(mark(.shortTermRate)), "
                    + "long-term \(rate(settings.longTermRate))\(mark(.longTermRate))"
            ),
            (
                "Offset limit",
                "\(Money.format(settings.ordinaryOffsetLimit)) of net loss a year against ordinary income"
                    + mark(.ordinaryOffsetLimit)
            ),
            ("Realized this year", terms(settings.realizedThisYear, .realizedThisYear)),
            ("Carryforward in", terms(settings.carryforwardLoss, .carryforwardLoss)),
            (
                "Trading cost",
                "\(rate(settings.tradingCost)) of every dollar traded, weighed only among plans equal in tax"
                    + mark(.tradingCost)
            ),
        ]
    }

    /// The difference between the two tax figures, in one sentence, wherever both appear.
    public var taxSentence: String {
        "Lot-level tax counts every gain and loss sold at its own rate, as if each loss were used in full "
            + "some day; the estimated tax is what this year's bill changes by, after netting short- and "
            + "long-term, this year's other gains, the carryforward and the "
            + "\(Money.format(settings.ordinaryOffsetLimit)) limit on deducting a net loss."
    }
}

extension AccountType {
    /// `taxable`, `tax-deferred`, `tax-exempt`.
    public var label: String {
        switch self {
        case .taxable: "taxable"
        case .taxDeferred: "tax-deferred"
        case .taxExempt: "tax-exempt"
        }
    }
}
