import LinearProgramming

// A lower bound on tax-aware's stage κ·D + Tax (one tax branch) for every plan obeying the
// wash-sale guard: a Lagrangian relaxation. The relaxation (the LP without the guard) cannot
// certify a settled point of that stage on a household where the same symbol is bought in one
// group and held at a loss in another, and κ·D + Tax has no closed form like the separable drift
// bound's (SeparableDriftBound.swift). But only a few rows tie different symbols together: each
// account's cash row and, where Tax is not one linear piece, the epigraph rows of its branch.
// Priced with multipliers, they leave one small problem per deviation row, solved exactly.
//
// The stage is min c·x over the box l ≤ x ≤ u, the deviation rows (one per group G and class,
// kept), the rows R (cash rows, equalities; epigraph rows τ − a·ΣS − b·ΣL ≥ r, kept as ≥) and
// the guard; every other row of the model is dropped, which only lowers the minimum. For
// multipliers y with y_i ≥ 0 on a ≥ row (any sign on an equality) and every plan x,
// y_i·(b_i − a_i·x) ≤ 0, so
//     c·x ≥ Σ_i y_i·b_i + c̄·x,   c̄ = c − Σ_i y_i·a_i,
// and min over plans of c·x ≥ Σ y_i b_i + min over the box, the deviation rows and the guard of
// c̄·x. The columns in no deviation row (each account's excess cash e_a, the epigraph variable
// τ) are minimized over their bounds alone; with an infinite upper bound that needs c̄ ≥ 0, so
// each cash multiplier is held at most e_a's cost (κ/2) and the epigraph multipliers sum to at
// most τ's cost (1). Every lot and purchase lies in exactly one deviation row,
//     d⁺ − d⁻ + Σ_lots v − Σ_purchases y = dev0 (held minus target, before trading),
// so given the guard's choice the rest is one LP per row, whose minimum is by LP duality
//     max over θ in [−c̄(d⁻), c̄(d⁺)] of  h(θ) = θ·dev0 + Σ_lots u·min(0, c̄_v − θ) + Σ_purchases u·min(0, c̄_y + θ)
// (for any θ in the range h(θ) is at most the row's minimum, so maximizing it inexactly still
// gives a bound; h is concave and piecewise linear, maximized by a sweep over its breakpoints).
// The guard: every plan settles each candidate k one way, z_k = 1 (it buys k and sells none of
// k's loss lots: their bound is 0) or z_k = 0 (it buys none of k), so the minimum is at least
// the sum over components of candidates (linked by sharing a row) of the least over each
// component's ways, and over the rows no candidate touches of their minimum. A component too
// large to enumerate is bounded row by row with every lot and purchase allowed.
//
// Any multipliers give a bound. The LP duals of a settled point (every candidate settled by
// bounds) make the bound equal that point's value when each component's least way is the one it
// settles (the remaining LP, with the rows R priced by their own duals, has the same optimum),
// so a settled point is certified by its own duals, and where a component's least way differs
// settling it that way is the next point to try (`Optimizer.settleByLagrangian`). The bound also
// fixes sides: a plan taking the other side of candidate k costs at least the bound plus k's
// regret (how much more its component's least way with that side costs), so every plan of value
// at most U takes k's least side when bound + regret > U (`fixedSides`).
struct LagrangianBound {
    /// A lot or purchase of a deviation row: its column, upper bound and the guard candidate it
    /// belongs to (a loss lot or a purchase of that candidate), −1 for none.
    struct Item {
        let column: Int
        let upper: Double
        let candidate: Int
    }

    /// One deviation row: d⁺ − d⁻ + Σ_lots v − Σ_purchases y = dev0.
    struct Part {
        let dev0: Double
        let plus: Int
        let minus: Int
        var lots: [Item] = []
        var purchases: [Item] = []
        /// The candidates the row's minimum depends on.
        var candidates: [Int] = []
    }

    /// The multipliers of the priced rows (one per row of `rows`).
    typealias Multipliers = [Double]

    /// What one choice of multipliers gives.
    struct Evaluation {
        /// The bound (−∞ when the multipliers give none).
        let value: Double
        /// Each enumerated candidate's least side (true: it buys and sells no loss lot).
        let sides: [Int: Bool]
        /// How much more than its component's least way the least way taking the candidate's
        /// other side costs (≥ 0).
        let regret: [Int: Double]
    }

    let built: RebalanceModel
    /// τ's column, when the branch has one.
    let tau: Int?
    /// The stage's objective, dense over the model's columns.
    let objective: [Double]
    /// The priced rows: every account's cash row, then the branch's epigraph rows.
    let rows: [ConstraintRef]
    let parts: [Part]
    /// Columns in no deviation row that the objective or a priced row touches.
    let freeColumns: [Int]
    let components: [(parts: [Int], candidates: [Int])]
    /// Rows no candidate touches.
    let fixedParts: [Int]

    /// The largest component enumerated (2^n ways); larger ones are bounded row by row.
    static let enumerationLimit = 10

    /// The bound's structure for `objective` (the stage's, dense or as terms) and one tax branch.
    init(_ built: RebalanceModel, objective terms: [Term], branch: TaxModel.Branch) {
        self.built = built
        let household = built.household
        let model = built.model
        var objective = [Double](repeating: 0, count: model.variableCount)
        for term in terms where term.variable.index < objective.count { objective[term.variable.index] += term.coefficient }
        self.objective = objective
        rows = built.cashRows + branch.epigraph
        tau = branch.tau?.index

        // Each lot's and purchase's candidate, −1 for none (tables: dictionaries and sets were
        // most of a build's 150k instructions on a typical household).
        var candidateOfLot = [Int](repeating: -1, count: household.lots.count)
        var candidateOfPurchase = [Int](repeating: -1, count: built.purchases.count)
        for (k, candidate) in built.guardCandidates.enumerated() {
            for l in candidate.lossLots { candidateOfLot[l] = k }
            for p in candidate.purchases { candidateOfPurchase[p] = k }
        }
        var inRow = [Bool](repeating: false, count: model.variableCount)
        var parts: [Part] = []
        for (g, group) in household.groups.enumerated() {
            var held = [Double](repeating: 0, count: group.classes.count)
            var lots = [[Item]](repeating: [], count: group.classes.count)
            var purchases = [[Item]](repeating: [], count: group.classes.count)
            for a in group.accounts {
                for l in household.lotsByAccount[a] {
                    let c = group.classIndex[household.lots[l].symbol]!
                    held[c] += household.lots[l].value
                    let column = built.sells[l].index
                    lots[c].append(Item(column: column, upper: model.columns[column].upper, candidate: candidateOfLot[l]))
                }
            }
            for (p, purchase) in built.purchases.enumerated() where household.groupOfAccount[purchase.account] == g {
                guard let c = group.classIndex[purchase.symbol] else { continue }
                let column = purchase.variable.index
                purchases[c].append(Item(column: column, upper: model.columns[column].upper, candidate: candidateOfPurchase[p]))
            }
            for (c, class_) in group.classes.enumerated() {
                guard let deviation = built.deviations[g][class_.symbol] else { continue }
                var touching: [Int] = []
                for item in lots[c] where item.candidate >= 0 && !touching.contains(item.candidate) { touching.append(item.candidate) }
                for item in purchases[c] where item.candidate >= 0 && !touching.contains(item.candidate) { touching.append(item.candidate) }
                touching.sort()
                parts.append(
                    Part(
                        dev0: held[c] - class_.target * group.investable, plus: deviation.plus.index,
                        minus: deviation.minus.index, lots: lots[c], purchases: purchases[c], candidates: touching))
                for item in lots[c] { inRow[item.column] = true }
                for item in purchases[c] { inRow[item.column] = true }
                inRow[deviation.plus.index] = true
                inRow[deviation.minus.index] = true
            }
        }
        self.parts = parts
        var free = Set<Int>()
        for j in objective.indices where objective[j] != 0 && !inRow[j] { free.insert(j) }
        for row in rows {
            for term in model.rows[row.index].terms where !inRow[term.variable.index] { free.insert(term.variable.index) }
        }
        freeColumns = free.sorted()

        // Components: candidates joined by sharing a row (SeparableDriftBound.swift).
        let linked = linkedComponents(parts.map(\.candidates), candidateCount: built.guardCandidates.count)
        components = linked.components
        fixedParts = linked.untouched
    }

    /// Multipliers from an LP's row duals (indexed by row, as ``Solution/duals``), made valid:
    /// an epigraph multiplier at least 0, each cash multiplier at most its e_a's cost, the
    /// epigraph multipliers summing to at most τ's cost. Nil when the duals do not cover the rows.
    func multipliers(fromDuals duals: [Double]) -> Multipliers? {
        guard rows.allSatisfy({ $0.index < duals.count }) else { return nil }
        var y = rows.map { duals[$0.index].isFinite ? duals[$0.index] : 0 }
        for (i, row) in rows.enumerated() { y[i] = clampedSign(y[i], built.model.rows[row.index]) }
        for (a, e) in built.excessCash.enumerated() where a < built.cashRows.count {
            y[a] = min(y[a], objective[e.index])
        }
        let epigraph = built.cashRows.count..<rows.count
        let total = epigraph.reduce(0.0) { $0 + y[$1] }
        if let tau, total > objective[tau], total > 0 {
            for i in epigraph { y[i] *= objective[tau] / total }
        }
        return y
    }

    /// A multiplier with the sign its row allows: ≥ 0 on a row with only a lower bound, ≤ 0 on
    /// one with only an upper bound, any on an equality; 0 on a free row.
    private func clampedSign(_ y: Double, _ row: Row) -> Double {
        let lower = row.lower.isFinite, upper = row.upper.isFinite
        if lower && upper { return y }
        if lower { return max(0, y) }
        if upper { return min(0, y) }
        return 0
    }

    /// The bound for `y`, with `fixed` candidates (index → side) settled as they say.
    func evaluate(_ y: Multipliers, fixed: [Int: Bool] = [:]) -> Evaluation {
        let model = built.model
        var cost = objective
        var constant = 0.0
        for (i, row) in rows.enumerated() where y[i] != 0 {
            let bounds = model.rows[row.index]
            let b = y[i] > 0 ? bounds.lower : bounds.upper
            guard b.isFinite else { return Evaluation(value: -.infinity, sides: [:], regret: [:]) }
            constant += y[i] * b
            for term in bounds.terms { cost[term.variable.index] -= y[i] * term.coefficient }
        }
        for j in freeColumns {
            let column = model.columns[j]
            let at = cost[j] >= 0 ? column.lower : column.upper
            guard at.isFinite else { return Evaluation(value: -.infinity, sides: [:], regret: [:]) }
            constant += cost[j] * at
        }
        var total = constant
        // (One pair of buffers for every row's breakpoints: an array of them per row, and a
        // sorted copy, were a fifth of an evaluation.)
        var scratch = Breakpoints()
        for i in fixedParts { total += rowMinimum(parts[i], cost, { _ in false }, &scratch) }
        var sides: [Int: Bool] = [:], regret: [Int: Double] = [:]
        for component in components {
            let candidates = component.candidates
            guard candidates.count <= Self.enumerationLimit else {
                // Row by row, every lot and purchase allowed (or as `fixed` says).
                for i in component.parts {
                    total += rowMinimum(parts[i], cost, { fixed[$0] }, &scratch, relaxed: true)
                }
                continue
            }
            // Each candidate's bit in a way (`mask`), and the bits `fixed` sets: a way that
            // differs from them there holds no plan. (One table per component, not a dictionary
            // of sides per way: those were a third of an evaluation on typical households.)
            let bit = Dictionary(uniqueKeysWithValues: candidates.enumerated().map { ($1, $0) })
            var fixedMask = 0, fixedBits = 0
            for (i, k) in candidates.enumerated() {
                guard let side = fixed[k] else { continue }
                fixedMask |= 1 << i
                if side { fixedBits |= 1 << i }
            }
            var values: [Double] = []
            values.reserveCapacity(1 << candidates.count)
            for mask in 0..<(1 << candidates.count) {
                if mask & fixedMask != fixedBits {
                    values.append(.infinity)
                    continue
                }
                values.append(component.parts.reduce(0.0) { $0 + rowMinimum(parts[$1], cost, { k in bit[k].map { mask & (1 << $0) != 0 } }, &scratch) })
            }
            let least = values.min()!
            total += least
            let best = values.firstIndex(of: least)!
            for (i, k) in candidates.enumerated() {
                let side = best & (1 << i) != 0
                sides[k] = side
                let other = values.indices.filter { ($0 & (1 << i) != 0) != side }.map { values[$0] }.min() ?? .infinity
                regret[k] = other - least
            }
        }
        return Evaluation(value: total, sides: sides, regret: regret)
    }

    /// A row's breakpoints (θ, the weight the slope loses or gains there, whether a lot's) and
    /// those strictly inside the range of θ, in increasing θ: buffers `rowMinimum` refills.
    struct Breakpoints {
        var events: [(theta: Double, weight: Double, isLot: Bool)] = []
        var inside: [(theta: Double, weight: Double, isLot: Bool)] = []
    }

    /// The minimum of c̄·x over one deviation row and the bounds, the candidates settled as
    /// `buys` says (nil: both ways allowed, only with `relaxed`): max over θ of h(θ) (see the top
    /// of the file), by a sweep over the breakpoints in increasing θ.
    private func rowMinimum(
        _ part: Part, _ cost: [Double], _ buys: (Int) -> Bool?, _ scratch: inout Breakpoints, relaxed: Bool = false
    ) -> Double {
        let lo = -cost[part.minus], hi = cost[part.plus]
        guard lo <= hi else { return -.infinity }
        // Breakpoints: a lot's term −u·max(0, θ − c̄) bends at θ = c̄; a purchase's
        // −u·max(0, −c̄ − θ) at θ = −c̄.
        scratch.events.removeAll(keepingCapacity: true)
        for item in part.lots where item.upper > 0 {
            if item.candidate >= 0, let side = buys(item.candidate) ?? (relaxed ? false : nil), side { continue }
            scratch.events.append((cost[item.column], item.upper, true))
        }
        for item in part.purchases where item.upper > 0 {
            if item.candidate >= 0, let side = buys(item.candidate) ?? (relaxed ? true : nil), !side { continue }
            scratch.events.append((-cost[item.column], item.upper, false))
        }
        let events = scratch.events
        func h(_ theta: Double) -> Double {
            var value = theta * part.dev0
            for event in events {
                value -= event.weight * (event.isLot ? max(0, theta - event.theta) : max(0, event.theta - theta))
            }
            return value
        }
        // The slope just right of lo: dev0 − Σ lots bent at or below lo + Σ purchases bent above it.
        var slope = part.dev0
        for event in events {
            if event.isLot && event.theta <= lo { slope -= event.weight }
            if !event.isLot && event.theta > lo { slope += event.weight }
        }
        var theta = lo
        if slope > 0 {
            scratch.inside.removeAll(keepingCapacity: true)
            for event in events where event.theta > lo && event.theta < hi { scratch.inside.append(event) }
            scratch.inside.sort { $0.theta < $1.theta }
            for event in scratch.inside {
                theta = event.theta
                slope -= event.weight
                if slope <= 0 { break }
            }
            if slope > 0 { theta = hi }
        }
        return h(theta)
    }

    /// The candidates every plan of value at most `value` settles one way, by any of
    /// `evaluations`: a plan taking candidate k's other side has a value at least the bound plus
    /// k's regret. (Candidate index → side.)
    static func fixedSides(_ evaluations: [Evaluation], atMost value: Double) -> [Int: Bool] {
        var fixed: [Int: Bool] = [:]
        for evaluation in evaluations where evaluation.value.isFinite {
            let allowance = value - evaluation.value + 1e-9 * max(1, abs(value))
            for (k, regret) in evaluation.regret where regret > allowance {
                fixed[k] = evaluation.sides[k]!
            }
        }
        return fixed
    }
}

/// The Lagrangian bound of one tax branch's κ·D + Tax stage and the evaluations made while the
/// stage was solved.
final class LagrangianRecord {
    let built: RebalanceModel
    /// Built at the first evaluation: on typical households most κ·D + Tax stages settle without
    /// one, and building it for each (the deviation rows' items, the components) cost 145k
    /// instructions a stage.
    private(set) lazy var bound: LagrangianBound = make()
    private let make: () -> LagrangianBound
    /// Evaluations valid for every plan of the stage (no side fixed): the later stages' forced sides.
    private(set) var evaluations: [LagrangianBound.Evaluation] = []
    /// The best bound found on the stage's optimum (with or without fixed sides).
    private(set) var lower = -Double.infinity

    init(_ built: RebalanceModel, objective: [Term], branch: TaxModel.Branch) {
        self.built = built
        make = { LagrangianBound(built, objective: objective, branch: branch) }
    }

    /// The evaluation at `solution`'s duals, `fixed` (symbol → side) held: sides every plan of
    /// value at most the stage's optimum takes, so the bound is still one on the optimum.
    func evaluate(_ solution: Solution, fixed: [Int: Bool] = [:]) -> LagrangianBound.Evaluation? {
        guard solution.status.isOptimal, let y = bound.multipliers(fromDuals: solution.duals) else { return nil }
        let byCandidate = Dictionary(uniqueKeysWithValues: fixed.compactMap { symbol, side in built.candidateOfSymbol[symbol].map { ($0, side) } })
        let evaluation = bound.evaluate(y, fixed: byCandidate)
        guard evaluation.value.isFinite else { return nil }
        if fixed.isEmpty { evaluations.append(evaluation) }
        lower = max(lower, evaluation.value)
        return evaluation
    }

    /// The sides (symbol → true: buys) every plan of the stage of value at most `value` takes.
    func fixedSides(atMost value: Double) -> [Int: Bool] {
        guard !evaluations.isEmpty else { return [:] }
        return Dictionary(
            uniqueKeysWithValues: LagrangianBound.fixedSides(evaluations, atMost: value).map { (built.guardCandidates[$0.key].symbol, $0.value) })
    }

    /// The least side of every enumerated candidate in `evaluation`, by symbol.
    func sides(_ evaluation: LagrangianBound.Evaluation) -> [Int: Bool] {
        Dictionary(uniqueKeysWithValues: evaluation.sides.map { (built.guardCandidates[$0.key].symbol, $0.value) })
    }
}

extension Optimizer {
    /// Rounds of `settleByLagrangian` at most.
    static var lagrangianRounds: Int { 8 }

    /// Step 2 of `solveGuarded` for a κ·D + Tax stage with no earlier plan: the conflicts
    /// settled by the Lagrangian bound (LagrangianBound.swift). At the duals of the relaxation,
    /// then of each settled point, every candidate is settled on its component's least side and
    /// the LP solved again, until the best settled point is within `gap` of the best bound, the
    /// sides repeat, or the rounds run out. Returns the best settled point (its settlement in
    /// the session and in `settled`); the record keeps the best bound.
    func settleByLagrangian(
        _ relaxation: Solution, _ leaning: Solution, _ settled: inout [Int: Bool], _ record: LagrangianRecord,
        held: [Int: Bool], _ built: RebalanceModel, _ session: Solver.Session, _ binaries: [Int: Variable],
        slack: Double, gap: Double, current isCurrent: inout Bool
    ) throws(LinearProgrammingError) -> Solution {
        var best = leaning
        var bestSides = settled
        var current = settled
        _ = record.evaluate(relaxation, fixed: held)
        var point = leaning
        var tried: [[Int: Bool]] = [current]
        /// The best point's basis, read before a later round's LP moves it (nil while it is the
        /// session's own, or where the session cannot give one).
        var bestBasis: Basis?
        var bestIsCurrent = isCurrent
        /// Whether the last round's point beat the best one.
        var improved = true
        for round in 1...Self.lagrangianRounds {
            let lower = record.lower
            guard let evaluation = record.evaluate(point, fixed: held) else { break }
            Trace.log { "lagrangian: round \(round), bound \(record.lower), settled point \(best.status.isOptimal ? best.objectiveValue : .nan)" }
            if best.status.isOptimal && best.objectiveValue <= record.lower + gap { break }
            // The last round's point beat neither the best point nor, at its duals, the bound:
            // the sides it gives are tried no more (each round is an LP and an evaluation; on
            // the 100 typical households of the batch notes, 147 rounds after the first became
            // 101, and no branch and bound more).
            if round > 1 && !improved && record.lower <= lower { break }
            var sides = record.sides(evaluation)
            for symbol in held.keys { sides.removeValue(forKey: symbol) }
            if tried.contains(sides) { break }
            tried.append(sides)
            if bestIsCurrent {
                bestBasis = (session as? any BasisSession)?.basis()
                bestIsCurrent = false
            }
            try release(current.keys.filter { held[$0] == nil }, built, session)
            current = sides
            // (A component too large to enumerate has no side: a conflict left there is settled
            // by the point's leaning, so the point satisfies every guard.)
            point = try settleConflicts(point, &current, built, session, binaries, previous: nil, bySolving: false)
            guard point.status.isOptimal else { break }
            improved = !best.status.isOptimal || point.objectiveValue < best.objectiveValue - slack
            if improved {
                best = point
                bestSides = current
                (bestBasis, bestIsCurrent) = (nil, true)
            }
        }
        // (The session's basis is the best point's where its LP was the last solved, or where
        // it is set again: the next stage, or the next step, starts there.)
        isCurrent = bestIsCurrent
        if !bestIsCurrent {
            try release(current.keys.filter { held[$0] == nil }, built, session)
            try settle(bestSides, built, session)
            if let bestBasis, let writer = session as? any BasisSession { isCurrent = isCurrent || writer.warmStart(bestBasis) }
        }
        settled = bestSides
        Trace.log { "lagrangian: settled \(best.status.isOptimal ? best.objectiveValue : .nan), bound \(record.lower)" }
        return best
    }
}

extension RebalanceModel {
    /// Whether `stage` is solved with the Lagrangian bound: κ·D + Tax with wash-sale candidates,
    /// on every household. (It was kept to households of direct-indexing size; on typical
    /// households of the batch its settlement and the sides it fixes and forces leave 30 branch
    /// and bounds where there were 92 on 100 households: see docs/engineering.md.)
    func lagrangianApplies(_ stage: Stage) -> Bool {
        guard case .misallocationAndTax = stage else { return false }
        return !guardCandidates.isEmpty
    }
}
