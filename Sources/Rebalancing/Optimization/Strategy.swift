/// A way to pick trades (docs/strategies.md), remembered with the text it was asked for by.
///
/// Everything about a strategy lives in this file: its syntax (``init(parsing:)``), its stages
/// and extra rows (``Kind/stages``, ``Kind/taxBudget``, ``Kind/capsSellsAtNeed``) and its one-line
/// meaning for help text and reports (``Kind/meaning``). Adding a strategy is one case of
/// ``Kind`` and its stages; the compiler points at every switch that must learn it.
public struct Strategy: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// Sells raise no more than each account must; cash and deposits buy what is underweight.
        case cashOnly
        /// No extra constraint: drift first, then the least tax this year.
        case full
        /// Tax this year at most the budget (dollars).
        case taxBudget(Double)
        /// κ·D + Tax: κ tax dollars are worth paying to put one misallocated dollar back.
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
    public var isBaseline: Bool { kind.stages.isEmpty }

    public static let full = Strategy(name: "full", kind: .full)
    public static let fifo = Strategy(name: "fifo", kind: .fifo)
    public static let defaultForPlan = Strategy(name: "tax-aware:0.10", kind: .taxAware(kappa: 0.10))
    public static let defaultForCompare: [Strategy] = ["cash-only", "band:5", "tax-aware:0.10", "full"]
        .map { try! Strategy(parsing: $0) }

    /// The largest number a strategy takes (as in data files).
    static let largestArgument = 1e12
    /// The largest κ: beyond it tax no longer matters next to drift, and the objective's scale
    /// defeats the solver's tolerances.
    static let largestKappa = 1e6

    public static let syntax = "cash-only, full, tax-budget:B, tax-aware[:κ], band[:β], fifo or m1"

    /// The syntax for `--help`, in plain ASCII: swift-argument-parser's man page generator drops
    /// every other character (κ and β would vanish from `man rebalance`).
    public static let helpSyntax =
        "cash-only, full, tax-budget:DOLLARS, tax-aware[:K] (K dollars of tax worth one dollar of drift, default 0.10), "
        + "band[:POINTS] (default 5), fifo or m1"
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
            // The data files' number syntax (no 0x10, inf or nan) and their largest magnitude.
            guard let value = DecimalNumber.parse(argument.trimmedSpaces), value.isFinite else {
                throw .badArgument(strategy: text, reason: "\(what) must be a decimal number, got \"\(argument)\"")
            }
            guard abs(value) <= Self.largestArgument else {
                throw .badArgument(strategy: text, reason: "\(what) must be at most 1e12 in magnitude, got \(argument)")
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
            guard kappa <= Self.largestKappa else {
                throw .badArgument(
                    strategy: text,
                    reason: "κ must be at most \(Int(Self.largestKappa)): a larger κ only makes the solve numerically fragile; use full to put drift first")
            }
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

/// One objective of a strategy, minimized in order (docs/strategies.md).
public enum Stage: Sendable, Equatable {
    /// D: dollars misallocated, excess cash included.
    case misallocation
    /// D_β: misallocation outside the band of β percentage points.
    case bandMisallocation(points: Double)
    /// Tax: this year's incremental tax (docs/tax-model.md).
    case tax
    /// κ·D + Tax.
    case misallocationAndTax(kappa: Double)
    /// LotTax + tradingCost·Turn: the long-run view, where every harvested loss counts.
    case harvest
    /// Turn: dollars traded.
    case turnover

    /// Whether the stage's objective contains Tax (piecewise linear: solved per branch).
    public var includesTax: Bool {
        switch self {
        case .tax, .misallocationAndTax: true
        case .misallocation, .bandMisallocation, .harvest, .turnover: false
        }
    }
}

extension Strategy.Kind {
    /// The stages, minimized in order (docs/strategies.md); none for the baselines.
    public var stages: [Stage] {
        switch self {
        case .cashOnly, .full, .taxBudget: [.misallocation, .tax, .harvest, .turnover]
        case .taxAware(let kappa): [.misallocationAndTax(kappa: kappa), .harvest, .turnover]
        case .band(let points): [.bandMisallocation(points: points), .tax, .misallocation, .harvest, .turnover]
        case .fifo, .m1: []
        }
    }

    /// tax-budget's extra row: Tax ≤ B.
    public var taxBudget: Double? {
        switch self {
        case .taxBudget(let budget): budget
        case .cashOnly, .full, .taxAware, .band, .fifo, .m1: nil
        }
    }

    /// cash-only's extra rows: each account sells no more than it must to keep minCash.
    public var capsSellsAtNeed: Bool {
        switch self {
        case .cashOnly: true
        case .full, .taxBudget, .taxAware, .band, .fifo, .m1: false
        }
    }

    /// What the strategy does, in one line (help text and reports).
    public var meaning: String {
        switch self {
        case .cashOnly:
            "invests cash and deposits in what is underweight; sells only what a withdrawal or the cash reserve needs."
        case .full: "rebalances all the way to target, at the least tax this year."
        case .taxBudget(let budget): "gets as close to target as a tax this year of at most \(Money.format(budget)) allows."
        case .taxAware(let kappa):
            "pays tax only where it buys accuracy: \(Money.format(kappa)) of tax this year is worth one misallocated dollar put back."
        case .band(let points):
            "leaves a holding alone within \(Money.decimal(points)) percentage points of target; fixes the rest at least tax."
        case .fifo: "baseline: the full rebalance, selling the oldest lots first."
        case .m1: "baseline: M1 Finance’s rules (cash to the most underweight slices; sells losses first, lots at no gain next, gains last, long-term before short-term)."
        }
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
