import GLPKSolver
import Testing

@testable import Rebalancing

// The wash-sale settlement by solving both sides, the separable drift bound that certifies it,
// and the sides that bound forces on the later stages (WashSaleGuard.swift,
// SeparableDriftBound.swift), on households small enough to work out by hand.
//
// Both households: a taxable account `t` in the household group (pie A 50 / C 50, no cash, all
// prices $100) and a Roth `r` with its own pie (A 100) and $1,000 of cash. A is one guard
// candidate: buying A in the Roth forbids selling t's A lots at a loss. Default rates: short-term
// 35%, long-term 15%, ordinary offset limit $3,000; nothing realized this year.

/// The household above with `lots` (YAML list items indented six spaces) as t's lots; the
/// Lagrangian bound's tests use it too.
func roth(_ lots: String) -> String {
    """
    asOf: 2026-11-20
    prices: {A: 100, C: 100}
    pie: {slices: [{symbol: A, weight: 50}, {symbol: C, weight: 50}]}
    accounts:
      - id: t
        type: taxable
        lots:
    \(lots)
      - {id: r, type: taxExempt, cash: 1000, pie: {slices: [{symbol: A, weight: 100}]}}
    """
}

@Suite struct SettlementTests {
    /// t holds A as a gain lot (50 shares, basis $3,000: +$2,000 long-term) and a loss lot (50
    /// shares, basis $7,000: −$2,000): I = $10,000, A is $5,000 over its target, C $5,000 under.
    ///
    /// Without the guard, D = 0 by selling $5,000 of A (either lot), buying $5,000 of C, and
    /// buying $1,000 of A in r. A relaxation that sells the loss lot buys $1,000 of A and sells
    /// $5,000 of it: settling by "buys at least what it sells" keeps the sale and forbids the
    /// purchase, leaving r's cash idle: D_r = ½(1,000 + 1,000) = 1,000. The other side forbids the
    /// loss sale and keeps the purchase: t sells the gain lot (worth exactly $5,000) and D = 0.
    /// So D* = 0, r buys A, and the tax stage can only sell the gain lot: Tax = 0.15 × 2,000 = 300.
    @Test func settlingTheOtherSideIsBetter() throws {
        let h = try household(
            roth(
                """
                      - {symbol: A, shares: 50, costBasis: 3000, acquired: 2020-01-02}
                      - {symbol: A, shares: 50, costBasis: 7000, acquired: 2021-01-04}
                """))
        let r = try report(h, "full")
        #expect(r.status.isOptimal)
        #expect(close(r.summary.misallocatedAfter, 0))
        #expect(close(r.summary.estimatedTax, 300))
        #expect(r.plan.sharesSold == [50, 0])
        #expect(PlanVerifier(h).violations(of: r.plan) == [])

        // The separable bound is 0 (buying A leaves nothing unavoidable), and any plan within
        // the stage margin of D = 0 buys A: not buying it leaves r's $1,000 underweight, which
        // costs (1 − λ_r)·1,000 = 500 at the bound's λ = ½, far above the margin.
        let built = RebalanceModel(h, strategy: .full)
        let a = h.symbols.firstIndex(of: "A")!
        #expect(try #require(built.separableBound(.misallocation)) == 0)
        #expect(built.forcedSides(.misallocation, atMost: Optimizer<GLPKSolver>.stageTolerance(h)) == [a: true])
    }

    /// t holds A only at a loss (80 shares, basis $10,000: −$25 a share, long-term) and C at no
    /// gain (20 shares, basis $2,000): I = $10,000, A $3,000 over, C $3,000 under.
    ///
    /// Buying A in r (z = 1) forbids every sale of A: t cannot raise cash and stays $3,000 over
    /// and $3,000 under, D = ½(3,000 + 3,000) = 3,000. Not buying A (z = 0): t sells $3,000 of A
    /// for C (D_t = 0) and r's cash stays idle, D = 1,000. So D* = 1,000 while the relaxation
    /// (no guard) reaches 0: only a bound that sees the guard can certify the plan. The
    /// separable bound: for z = 1, t's class A keeps O = 3,000 (nothing else sellable); for z = 0,
    /// r's class A keeps U = 1,000 (no other way to fill it); every other part is 0 and both
    /// groups' targets sum to 100%, so the bound is max over λ of min(λ_t·3,000, (1 − λ_r)·1,000)
    /// = 1,000 (λ_t = 1, λ_r = 0) = D*. The tax stage: t sells 30 shares of the loss lot, a $750
    /// long-term loss: S + L = −750 < 0, T = −0.35 × 750 = −262.50.
    @Test func theSeparableBoundCertifiesWhatTheRelaxationCannot() throws {
        let h = try household(
            roth(
                """
                      - {symbol: A, shares: 80, costBasis: 10000, acquired: 2020-01-02}
                      - {symbol: C, shares: 20, costBasis: 2000, acquired: 2020-01-02}
                """))
        let built = RebalanceModel(h, strategy: .full)
        let bound = try #require(built.separableBound(.misallocation))
        #expect(abs(bound - 1000) < 1e-6, "bound \(bound)")
        let a = h.symbols.firstIndex(of: "A")!
        #expect(built.forcedSides(.misallocation, atMost: 1000 + Optimizer<GLPKSolver>.stageTolerance(h)) == [a: false])
        // Within a looser limit (D ≤ 3,000 allows either side) nothing is forced.
        #expect(built.forcedSides(.misallocation, atMost: 3000) == [:])

        let r = try report(h, "full")
        #expect(r.status.isOptimal)
        #expect(close(r.summary.misallocatedAfter, 1000))
        #expect(close(r.summary.estimatedTax, -262.5))
        #expect(close(r.plan.sharesSold[0], 30))
        #expect(PlanVerifier(h).violations(of: r.plan) == [])
        // The banded bound, β = 5 points: each group's band is 5% of its investable ($500 for t,
        // $50 for r). z = 1 leaves t's A $3,000 over: ½(3,000 − 500) = 1,250 (C can be bought: 0);
        // z = 0 leaves r's A $1,000 under: ½(1,000 − 50) = 475. The bound is the lesser, 475.
        // (D_β* is 975 here: r's idle $1,000 also counts in D_β, which the bound leaves out.)
        let banded = RebalanceModel(h, strategy: .band(points: 5))
        #expect(abs(try #require(banded.separableBound(.bandMisallocation(points: 5))) - 475) < 1e-6)
        // band:5's plan: not buying A (z = 1 costs at least 1,250 > 975). The tax stage sells x of
        // A and buys y of C with A's and C's deviations inside t's band (3,000 − x ≥ −500,
        // |y − 3,000| ≤ 500, y ≤ x): at most x = 3,500, a $875 loss, T = −0.35 × 875 = −306.25.
        // Then D_t = ½(500 + |y − 3,000| + 3,500 − y) = 500 for y in [3,000, 3,500]: D = 1,500.
        let b = try report(h, "band:5")
        #expect(b.status.isOptimal)
        #expect(close(b.summary.misallocatedAfter, 1500))
        #expect(close(b.summary.estimatedTax, -306.25))
    }
}
