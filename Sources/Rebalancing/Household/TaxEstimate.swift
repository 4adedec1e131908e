/// The tax a plan's sells add this year (docs/tax-model.md): not optimized, computed exactly from the
/// realized gains, this year's earlier gains, the carryforward and the ordinary-offset limit.
public struct TaxEstimate: Sendable, Equatable {
    /// planST, planLT: gains realized by the plan in taxable accounts, look-back losses as 0.
    public let planShortTerm: Double
    public let planLongTerm: Double
    /// S and L: this year's net short- and long-term gains with the plan.
    public let netShortTerm: Double
    public let netLongTerm: Double
    public let taxWithPlan: Double
    public let taxWithoutPlan: Double
    /// The loss carried to next year with the plan, by character (reported, not optimized).
    public let carryforwardAfter: TermAmounts

    /// `estimatedTax`: the plan's incremental tax.
    public var incremental: Double { taxWithPlan - taxWithoutPlan }

    public init(_ settings: TaxSettings, planShortTerm: Double, planLongTerm: Double) {
        self.planShortTerm = planShortTerm
        self.planLongTerm = planLongTerm
        let s0 = settings.realizedThisYear.shortTerm - settings.carryforwardLoss.shortTerm
        let l0 = settings.realizedThisYear.longTerm - settings.carryforwardLoss.longTerm
        netShortTerm = s0 + planShortTerm
        netLongTerm = l0 + planLongTerm
        taxWithPlan = Self.tax(shortTerm: netShortTerm, longTerm: netLongTerm, settings)
        taxWithoutPlan = Self.tax(shortTerm: s0, longTerm: l0, settings)
        carryforwardAfter = Self.carryforward(
            shortTerm: netShortTerm, longTerm: netLongTerm, limit: settings.ordinaryOffsetLimit)
    }

    /// Tax(S, L) of docs/tax-model.md.
    public static func tax(shortTerm s: Double, longTerm l: Double, _ settings: TaxSettings) -> Double {
        let rST = settings.shortTermRate, rLT = settings.longTermRate
        if s + l < 0 { return -rST * min(settings.ordinaryOffsetLimit, -(s + l)) }
        if s >= 0 && l >= 0 { return rST * s + rLT * l }
        if s < 0 { return rLT * (s + l) }  // S < 0 ≤ L, S + L ≥ 0
        return rST * (s + l)  // L < 0 ≤ S, S + L ≥ 0
    }

    /// The loss carried to next year by character, from this year's net S and L: the net loss
    /// beyond the ordinary-offset limit, the limit used up by short-term loss first.
    /// - S + L ≥ 0: nothing is carried.
    /// - S < 0 and L < 0: short-term max(0, −S − limit); long-term max(0, −L − max(0, limit + S)).
    /// - S < 0 ≤ L: the gain absorbs part of the short-term loss: short-term −(S+L) − limit when positive.
    /// - L < 0 ≤ S: likewise long-term −(S+L) − limit when positive.
    public static func carryforward(shortTerm s: Double, longTerm l: Double, limit: Double) -> TermAmounts {
        if s + l >= 0 { return TermAmounts() }
        if s < 0 && l < 0 {
            return TermAmounts(shortTerm: max(0, -s - limit), longTerm: max(0, -l - max(0, limit + s)))
        }
        if s < 0 { return TermAmounts(shortTerm: max(0, -(s + l) - limit), longTerm: 0) }  // S < 0 ≤ L
        return TermAmounts(shortTerm: 0, longTerm: max(0, -(s + l) - limit))  // L < 0 ≤ S
    }
}
