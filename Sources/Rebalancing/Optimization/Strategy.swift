/// A way to pick trades (MODEL §4), remembered with the text it was asked for by.
public struct Strategy: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Sells raise no more than each account must; cash and deposits buy what is underweight.
        case cashOnly
        /// No extra constraint: drift first, then the least lot tax, then the least turnover.
        case full
        /// Lot tax at most the budget (dollars).
        case taxBudget(Double)
        /// κ·D + LotTax: κ tax dollars are worth paying to put one misallocated dollar back.
        case taxAware(kappa: Double)
        /// Drift within β percentage points of target is free.
        case band(points: Double)
        /// Baseline: a full rebalance selling the oldest lots first.
        case fifo
        /// Baseline: M1 Finance's rules.
        case m1
    }

    /// The strategy as it was asked for (echoed in plans).
    public let name: String
    public let kind: Kind

    public init(name: String, kind: Kind) {
        self.name = name
        self.kind = kind
    }

    public var description: String { name }

    /// Whether this is a baseline (not optimized) rather than an optimizing strategy.
    public var isBaseline: Bool {
        switch kind {
        case .fifo, .m1: true
        default: false
        }
    }

    public static let defaultForPlan = Strategy(name: "tax-aware:0.10", kind: .taxAware(kappa: 0.10))
    public static let defaultForCompare: [Strategy] = ["cash-only", "band:5", "tax-aware:0.10", "full"]
        .map { try! Strategy(parsing: $0) }

    public static let syntax = "cash-only, full, tax-budget:B, tax-aware[:κ], band[:β], fifo or m1"
    /// The names `init(parsing:)` knows, before any `:argument`.
    public static let names = ["cash-only", "full", "tax-budget", "tax-aware", "band", "fifo", "m1"]

    /// What a mistyped strategy probably meant, its argument kept: `tax-awre:0.2` → `tax-aware:0.2`.
    static func suggestion(for text: String) -> String? {
        let trimmed = text.trimmedSpaces
        let head = trimmed.prefix { $0 != ":" }
        guard let name = Suggestion.closest(to: String(head), among: names) else { return nil }
        return name + trimmed.dropFirst(head.count)
    }

    /// Parses `cash-only`, `full`, `tax-budget:B`, `tax-aware[:κ]`, `band[:β]`, `fifo`, `m1`.
    public init(parsing text: String) throws(StrategyError) {
        let trimmed = text.trimmedSpaces
        let parts = trimmed.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let head = String(parts[0])
        let argument = parts.count > 1 ? String(parts[1]) : nil

        func number(_ what: String) throws(StrategyError) -> Double? {
            guard let argument else { return nil }
            guard let value = Double(argument.trimmedSpaces), value.isFinite else {
                throw .badArgument(strategy: text, reason: "\(what) must be a finite number, got \"\(argument)\"")
            }
            return value
        }
        func noArgument() throws(StrategyError) {
            if argument != nil { throw .badArgument(strategy: text, reason: "\(head) takes no argument") }
        }

        let kind: Kind
        switch head {
        case "cash-only":
            try noArgument()
            kind = .cashOnly
        case "full":
            try noArgument()
            kind = .full
        case "fifo":
            try noArgument()
            kind = .fifo
        case "m1":
            try noArgument()
            kind = .m1
        case "tax-budget":
            guard let budget = try number("the budget B") else {
                throw .badArgument(strategy: text, reason: "tax-budget needs a budget in dollars, as tax-budget:500")
            }
            kind = .taxBudget(budget)
        case "tax-aware":
            let kappa = try number("κ") ?? 0.10
            guard kappa >= 0 else { throw .badArgument(strategy: text, reason: "κ must be ≥ 0, got \(kappa)") }
            kind = .taxAware(kappa: kappa)
        case "band":
            let beta = try number("the band β") ?? 5
            guard beta >= 0, beta <= 100 else {
                throw .badArgument(strategy: text, reason: "the band β must be between 0 and 100 percentage points, got \(beta)")
            }
            kind = .band(points: beta)
        default:
            throw .unknown(text)
        }
        self.init(name: trimmed, kind: kind)
    }
}

public enum StrategyError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknown(String)
    case badArgument(strategy: String, reason: String)

    public var description: String {
        switch self {
        case .unknown(let text):
            if let suggestion = Strategy.suggestion(for: text) {
                "unknown strategy \"\(text)\" (did you mean \"\(suggestion)\"?); expected \(Strategy.syntax)"
            } else {
                "unknown strategy \"\(text)\"; expected \(Strategy.syntax)"
            }
        case .badArgument(let strategy, let reason): "strategy \"\(strategy)\": \(reason)"
        }
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    var trimmedSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
