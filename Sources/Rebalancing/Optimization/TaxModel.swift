import LinearProgramming

/// Tax = T(S, L) − T(no trades) of docs/tax-model.md, written for the LP.
///
/// With dollars sold v_l, S = s0 + Σ_short (g_l/p)·v_l and L = l0 + Σ_long (g_l/p)·v_l over the
/// taxable lots not caught by the look-back (s0, l0: this year's realized gains less the
/// carryforwards). T is continuous and piecewise linear in (S, L), with the pieces (U = S + L)
///
///     P1 = rST·S + rLT·L,   P2 = rLT·U,   P3 = rST·U,   P5 = −rST·limit,
///
/// and it is not convex: selling a long-term gain is worth rST while short-term gains are offset
/// by long-term losses, rLT once it outgrows them. But T is the least of two convex functions,
/// each the largest of some pieces (r− = min(rST, rLT), r+ = max(rST, rLT)):
///
///     F1 = max(P1, r−·U, P5),   F2 = max(r+·U, P3, P5),   T = min(F1, F2).
///
/// Why, for rST ≥ rLT (δ = rST − rLT ≥ 0): on A = {L ≥ 0, U ≥ 0}, T is P1 where S ≥ 0 and P2 where
/// S ≤ 0, i.e. max(P1, P2) (P1 − P2 = δ·S), which is ≥ 0 ≥ P5: so T = F1 there. P3 − P1 = δ·L and
/// P3 − P2 = δ·U, so F2 ≥ P3 ≥ F1 on A. Off A (L < 0 or U < 0), T = max(P3, P5) = F2 by §5's last
/// two cases, and there P3 ≥ max(P1, P2), so F1 ≥ F2. For rLT > rST the same holds with the roles
/// of S and L exchanged (A = {S ≥ 0, U ≥ 0}, on which T = max(P1, P3); P2 − P1 = −δ·S).
///
/// So min over plans of anything + T is the least over b of min of the same + F_b, and each of
/// those is an LP: an epigraph variable τ_b ≥ every piece of F_b. A plan satisfies rows holding
/// Tax (a budget, an earlier stage's optimum) iff it satisfies them all with T = F_b for its own
/// b, so every Tax in a stage and its rows uses the same branch.
///
/// A stage minimizing c + Tax with c ≥ 0 at every plan (Tax alone, or κ·D + Tax) needs F1 only
/// when F2 leaves no net loss: if F2's optimum v (in T's terms: c + F2) is below 0, no plan does
/// better under F1 (c + F1 < v < 0 gives F1 < 0, so r−·U < 0, U < 0: off A, where F2 ≤ F1), and
/// every plan within a margin m of v under F1, with v + m < 0, is within it under F2 too: later
/// stages need F2's branch alone. The optimizer solves F2 first and skips F1 then
/// (`Optimizer.solveStages`). With two branches F1 is `branches(in:)`'s first and F2 its second.
///
/// A budget Tax ≤ B below zero in T's terms (B + T0 < 0) leaves F1 nothing of its own: a plan
/// with F1 ≤ B + T0 < 0 has r−·U < 0 (rates are not negative), so U < 0: off A, where
/// F2 = T ≤ F1. It satisfies F2's budget row too, and every stage's value and every held row
/// is no higher under F2 (only Tax depends on the branch). The optimizer solves F2 alone then.
///
/// Only what the plans can reach matters: from each lot's bounds, S and L range over a rectangle.
/// A branch whose set (A, or the rest) misses the rectangle is dropped; when one branch is left
/// and one of its pieces is the largest over the whole rectangle, Tax is that piece, linear in
/// v: the common case (no realized gains or carryforwards, only gain lots) is one LP with no
/// extra variable or row, as before Tax was exact.
struct TaxModel {
    /// Tax = Σ terms + constant, valid while the branch is solved.
    struct Branch: Equatable {
        let terms: [Term]
        let constant: Double
        /// The epigraph rows τ − a·ΣS − b·ΣL ≥ a·s0 + b·l0 + c (none when Tax is one linear
        /// piece): the Lagrangian bound (LagrangianBound.swift) prices them.
        var epigraph: [ConstraintRef] = []
        /// τ, the epigraph variable (nil when Tax is one linear piece).
        var tau: Variable?
    }

    /// a·S + b·L + c.
    struct Piece: Equatable {
        let a: Double
        let b: Double
        let c: Double
        func value(_ s: Double, _ l: Double) -> Double { a * s + b * l + c }
    }

    let settings: TaxSettings
    let s0: Double
    let l0: Double
    /// Σ (g_l/p)·v_l over short-term (long-term) counted lots: each lot's term, in lot order
    /// (the order of the columns, which the solver takes them in), and whether it is long-term.
    let lotTerms: [(term: Term, isLong: Bool)]
    /// The rectangle the plans can reach.
    let sRange: ClosedRange<Double>
    let lRange: ClosedRange<Double>

    /// `upper`: each sell variable's upper bound (dollars).
    init(_ household: Household, sells: [Variable], upper: [Double]) {
        let tax = household.scenario.tax
        settings = tax
        s0 = tax.realizedThisYear.shortTerm - tax.carryforwardLoss.shortTerm
        l0 = tax.realizedThisYear.longTerm - tax.carryforwardLoss.longTerm
        var lotTerms: [(term: Term, isLong: Bool)] = []
        var s = (s0, s0), l = (l0, l0)
        for (index, lot) in household.lots.enumerated() where lot.isTaxable && !lot.isLookBack {
            let perDollar = lot.gainPerShare / lot.price
            // A gain under 1e-7 per dollar sold is none: leaving it out moves Tax by at most
            // 1e-7 of the dollars sold (within the stage margin of 1e-7·Σ I), and in the
            // epigraph rows such a coefficient beside the rates made GLPK's simplex call a
            // feasible cash-only model infeasible (a lot bought at 306.380017 priced 306.38).
            guard abs(perDollar) >= 1e-7, upper[index] > 0 else { continue }
            let most = perDollar * upper[index]
            if lot.isLongTerm {
                lotTerms.append((Term(sells[index], perDollar), true))
                l = (l.0 + min(0, most), l.1 + max(0, most))
            } else {
                lotTerms.append((Term(sells[index], perDollar), false))
                s = (s.0 + min(0, most), s.1 + max(0, most))
            }
        }
        self.lotTerms = lotTerms
        sRange = s.0...s.1
        lRange = l.0...l.1
    }

    var rST: Double { settings.shortTermRate }
    var rLT: Double { settings.longTermRate }
    /// T with no trades.
    var taxWithoutPlan: Double { TaxModel.tax(s0, l0, settings) }

    /// F1's and F2's pieces.
    var firstPieces: [Piece] {
        let low = min(rST, rLT)
        return [Piece(a: rST, b: rLT, c: 0), Piece(a: low, b: low, c: 0), floor]
    }
    var secondPieces: [Piece] {
        let high = max(rST, rLT)
        return [Piece(a: high, b: high, c: 0), Piece(a: rST, b: rST, c: 0), floor]
    }
    private var floor: Piece { Piece(a: 0, b: 0, c: -rST * settings.ordinaryOffsetLimit) }

    private var corners: [(Double, Double)] {
        [(sRange.lowerBound, lRange.lowerBound), (sRange.lowerBound, lRange.upperBound),
         (sRange.upperBound, lRange.lowerBound), (sRange.upperBound, lRange.upperBound)]
    }

    /// Which branches the rectangle reaches: F1's set A (L ≥ 0 and U ≥ 0 when rST ≥ rLT, else
    /// S ≥ 0 and U ≥ 0), and the rest (where F2 = T).
    var reachesFirst: Bool {
        let uMax = sRange.upperBound + lRange.upperBound
        return (rST >= rLT ? lRange.upperBound : sRange.upperBound) >= 0 && uMax >= 0
    }
    var reachesSecond: Bool {
        let uMin = sRange.lowerBound + lRange.lowerBound
        return (rST >= rLT ? lRange.lowerBound : sRange.lowerBound) < 0 || uMin < 0
    }

    /// The branches, adding each one's epigraph variable and rows to `model` where needed.
    func branches(in model: inout LinearModel) -> [Branch] {
        var sets: [[Piece]] = []
        if reachesFirst { sets.append(firstPieces) }
        if reachesSecond || sets.isEmpty { sets.append(secondPieces) }
        let t0 = taxWithoutPlan
        return sets.map { pieces in
            if sets.count == 1, let piece = dominant(pieces) {
                let linear = terms(piece)
                return Branch(terms: linear, constant: piece.value(s0, l0) - t0)
            }
            // τ ≥ each piece: τ − a·ΣS − b·ΣL ≥ a·s0 + b·l0 + c; the constant floor −rST·limit
            // as τ's lower bound (a free column made GLPK's branch and bound cycle).
            let tau = model.addVariable(lower: floor.c)
            let rows = pieces.filter { $0 != floor }.map { piece in
                // (τ, the last column, last: the terms in the order of the columns.)
                model.addConstraint(terms(piece).map { Term($0.variable, -$0.coefficient) } + [Term(tau, 1)], lower: piece.value(s0, l0))
            }
            return Branch(terms: [Term(tau, 1)], constant: -t0, epigraph: rows, tau: tau)
        }
    }

    /// The piece at least as large as every other over the whole rectangle, if any.
    func dominant(_ pieces: [Piece]) -> Piece? {
        pieces.first { p in
            pieces.allSatisfy { q in corners.allSatisfy { p.value($0.0, $0.1) >= q.value($0.0, $0.1) } }
        }
    }

    /// a·(S − s0) + b·(L − l0) as terms in the sells.
    private func terms(_ piece: Piece) -> [Term] {
        var terms: [Term] = []
        terms.reserveCapacity(lotTerms.count)
        for (term, isLong) in lotTerms {
            let scaled = Term(term.variable, (isLong ? piece.b : piece.a) * term.coefficient)
            if abs(scaled.coefficient) >= 1e-12 { terms.append(scaled) }
        }
        return terms
    }

    /// T(S, L) of docs/tax-model.md.
    static func tax(_ s: Double, _ l: Double, _ settings: TaxSettings) -> Double {
        TaxEstimate.tax(shortTerm: s, longTerm: l, settings)
    }
}
