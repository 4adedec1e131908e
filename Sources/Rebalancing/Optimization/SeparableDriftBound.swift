// The separable drift bound with the wash-sale guard: a lower bound on the drift stages (D and
// D_β) computed in closed form from the model's columns, against which a settled point of those
// stages is certified optimal (`solveGuarded`'s floor). The relaxation alone cannot certify a
// settlement there: dropping the guard often lets the LP reach drift 0 by buying a symbol in one
// group and selling its loss lots in another, which no plan may do.
//
// For a group G and class c let dev0_c = H_c − w_c·I_G (held minus target before trading). After
// a plan, with x_c the dollars sold of c in G and y_c those bought, dev_c = dev0_c − x_c + y_c.
// Write P = Σ_c d⁺_c, N = Σ_c d⁻_c, E = Σ_a e_a (cash left above minCash) and W = Σ_c w_c.
// Summing G's cash rows and deviation rows gives P − N + E = (1 − W)·I_G, so with h = ½(1 − W)·I_G
//     D_G = ½(P + N + E) = N + h = P + E − h.
// Each class's part is bounded by what the trades can do to it alone: x_c ≤ S_c, what may be sold
// of it (and, under cash-only, at most what the group may sell in all), so d⁺_c ≥ O_c =
// max(0, dev0_c − S_c); and y_c > 0 only if some purchase may fill c, so d⁻_c ≥ U_c = max(0, −dev0_c)
// when none may. Hence D_G ≥ Σ_c O_c − h and D_G ≥ Σ_c U_c + h, and for every λ_G in [0, 1]
//     D_G ≥ λ_G·(Σ_c O_c − h) + (1 − λ_G)·(Σ_c U_c + h).
//
// The guard enters through S_c and "some purchase may fill c". Every plan settles each guard
// candidate k (an identical group bought somewhere and held at a taxable loss somewhere) one way:
// z_k = 1, it buys k and sells none of k's loss lots (they leave S_c), or z_k = 0, it buys none of
// k (those purchases cannot fill c). Given z, O_c(z) and U_c(z) follow, and summing over groups
//     D ≥ Σ_G (1 − 2λ_G)·h_G + min over z of Σ_G Σ_c [λ_G·O_c(z) + (1 − λ_G)·U_c(z)].
// The minimum separates: a class's term depends only on the candidates among its members, so the
// candidates fall into components (linked by sharing a class, in any group) and each component's
// 2^n ways are enumerated (n is 1 unless alternates or identical groups join several; a component
// too large to enumerate is bounded class by class, a weaker but still valid bound). The bound is
// the largest over λ found by coordinate ascent (each λ gives a valid bound, so the search needs
// no optimality), and at least the group-wide bounds P ≥ P0 − X_max, N ≥ N0 − Y_max.
//
// For D_β each class's outside part is at least ½·max(0, |dev_c| − b) ≥ ½·max(0, max(O_c, U_c) − b),
// which separates the same way with no λ.
extension RebalanceModel {
    /// A lower bound on `stage`'s optimum for every plan obeying the wash-sale guard (see above),
    /// for the drift stages; nil for the others.
    func separableBound(_ stage: Stage) -> Double? {
        switch stage {
        case .misallocation: SeparableDriftBound(self).driftBound()
        case .bandMisallocation(let points): SeparableDriftBound(self).bandBound(points: points)
        case .tax, .misallocationAndTax, .harvest, .turnover: nil
        }
    }

    /// The sides of the wash-sale guard that every plan whose drift stage `stage` is at most
    /// `value` takes (by the guard candidate's symbol; true: it buys and sells no loss lot):
    /// constraints the later stages may add without losing a plan (see `forcedSides`).
    func forcedSides(_ stage: Stage, atMost value: Double) -> [Int: Bool] {
        switch stage {
        case .misallocation, .bandMisallocation: break
        case .tax, .misallocationAndTax, .harvest, .turnover: return [:]
        }
        let forced = SeparableDriftBound(self).forcedSides(stage, atMost: value)
        return Dictionary(uniqueKeysWithValues: forced.map { (guardCandidates[$0.key].symbol, $0.value) })
    }
}

/// The quantities of the bound, per group and class (see the top of this file).
struct SeparableDriftBound {
    struct ClassPart {
        let group: Int
        /// H_c − w_c·I_G.
        let dev0: Double
        /// What may be sold of the class whatever the guard decides, and what each candidate's
        /// loss lots add when the plan does not buy it (by candidate index, increasing).
        var freeSellable = 0.0
        var lossSellable: [(candidate: Int, dollars: Double)] = []
        /// Whether a purchase of no candidate may fill the class, and the candidates whose
        /// purchases may (increasing).
        var freelyBuyable = false
        var buyableBy: [Int] = []
        /// At most what the group may sell in all.
        var sellCap = Double.infinity
        /// The candidates this class's term depends on (increasing).
        let candidates: [Int]

        init(
            group: Int, dev0: Double, freeSellable: Double, lossSellable: [(candidate: Int, dollars: Double)],
            freelyBuyable: Bool, buyableBy: [Int], sellCap: Double
        ) {
            self.group = group
            self.dev0 = dev0
            self.freeSellable = freeSellable
            self.lossSellable = lossSellable
            self.freelyBuyable = freelyBuyable
            self.buyableBy = buyableBy
            self.sellCap = sellCap
            var candidates = lossSellable.map(\.candidate)
            for k in buyableBy where !candidates.contains(k) { candidates.append(k) }
            // (Most classes have no candidate or one: nothing to sort.)
            self.candidates = candidates.count < 2 ? candidates : candidates.sorted()
        }

        /// O_c and U_c when, of the candidates `settled`, those of `mask` buy (bit i: `settled[i]`;
        /// they sell no loss lot) and the others do not buy, nor does a candidate not settled.
        func parts(_ settled: [Int], _ mask: Int) -> (over: Double, under: Double) {
            func buys(_ k: Int) -> Bool {
                var i = 0
                while i < settled.count {
                    if settled[i] == k { return mask & (1 << i) != 0 }
                    i += 1
                }
                return false
            }
            var sellable = freeSellable
            for (k, dollars) in lossSellable where !buys(k) { sellable += dollars }
            let over = max(0, dev0 - min(sellable, sellCap))
            var buyable = freelyBuyable
            if !buyable { for k in buyableBy where buys(k) { buyable = true; break } }
            return (over, buyable ? 0 : max(0, -dev0))
        }
    }

    let classes: [ClassPart]
    /// Per group: h = ½(1 − W)·I_G, and the group-wide bound max(0, P0 − X_max − h, N0 − Y_max + h).
    let half: [Double]
    let groupWide: [Double]
    let investable: [Double]
    /// Components of candidates: the classes of each (indices into `classes`) and its candidates.
    let components: [(classes: [Int], candidates: [Int])]
    /// Classes no candidate touches.
    let fixedClasses: [Int]
    /// (O_c, U_c) of each member of each component (`components[i].classes` order) under each
    /// settlement of its candidates (bit j of the mask: `candidates[j]` buys), for components of
    /// at most ``enumerationLimit`` candidates; and of each fixed class. They do not depend on λ,
    /// and the coordinate ascent evaluates the bound for about a hundred λ: worked out once, they
    /// leave each evaluation a sum (the same products and sums as before, in the same order).
    /// (Flat: settlement `mask`'s member j at `mask · members + j`.)
    private let settledOver: [[Double]]
    private let settledUnder: [[Double]]
    private let fixedParts: [(over: Double, under: Double)]
    /// Each class's group.
    private let groupOf: [Int]

    /// The largest component enumerated; larger ones are bounded class by class.
    static let enumerationLimit = 10

    init(_ built: RebalanceModel) {
        let household = built.household
        let accounts = household.scenario.accounts
        // (Arrays, not dictionaries: every lot and purchase is looked up.)
        var candidateOfLossLot = [Int?](repeating: nil, count: household.lots.count)
        var candidateOfPurchase = [Int?](repeating: nil, count: built.purchases.count)
        for (k, candidate) in built.guardCandidates.enumerated() {
            for l in candidate.lossLots { candidateOfLossLot[l] = k }
            for p in candidate.purchases { candidateOfPurchase[p] = k }
        }
        var classes: [ClassPart] = []
        classes.reserveCapacity(household.groups.reduce(0) { $0 + $1.classes.count })
        var half: [Double] = [], groupWide: [Double] = [], investable: [Double] = []
        var purchasesOf = [[Int]](repeating: [], count: accounts.count)  // account → purchase indices
        for (p, purchase) in built.purchases.enumerated() { purchasesOf[purchase.account].append(p) }
        for (g, group) in household.groups.enumerated() {
            // What each account may sell (bounds, and cash-only's cap) and spend at most.
            var xMax = 0.0, yMax = 0.0
            for a in group.accounts {
                let uppers = household.lotsByAccount[a].reduce(0) { $0 + built.model.columns[built.sells[$1].index].upper }
                let sells = min(uppers, built.sellCaps.indices.contains(a) ? built.sellCaps[a] ?? .infinity : .infinity)
                xMax += sells
                let account = accounts[a]
                yMax += max(0, account.cash + account.flow - account.minCash + sells)
            }
            var held = [Double](repeating: 0, count: group.classes.count)
            var sellable = [(free: Double, loss: [(candidate: Int, dollars: Double)])](repeating: (0, []), count: group.classes.count)
            var buyable = [(free: Bool, by: [Int])](repeating: (false, []), count: group.classes.count)
            for a in group.accounts {
                for l in household.lotsByAccount[a] {
                    let lot = household.lots[l]
                    let c = group.classIndex[lot.symbol]!
                    held[c] += lot.value
                    let upper = built.model.columns[built.sells[l].index].upper
                    if let k = candidateOfLossLot[l] {
                        // (The same sum per candidate, in lot order, as a dictionary's `+=`.)
                        if let i = sellable[c].loss.firstIndex(where: { $0.candidate == k }) {
                            sellable[c].loss[i].dollars += upper
                        } else {
                            sellable[c].loss.append((k, upper))
                        }
                    } else {
                        sellable[c].free += upper
                    }
                }
                for p in purchasesOf[a] {
                    let purchase = built.purchases[p]
                    guard built.model.columns[purchase.variable.index].upper > 0, let c = group.classIndex[purchase.symbol] else { continue }
                    if let k = candidateOfPurchase[p] {
                        if !buyable[c].by.contains(k) { buyable[c].by.append(k) }
                    } else {
                        buyable[c].free = true
                    }
                }
            }
            var p0 = 0.0, n0 = 0.0, w = 0.0
            for (c, class_) in group.classes.enumerated() {
                let dev0 = held[c] - class_.target * group.investable
                p0 += max(0, dev0)
                n0 += max(0, -dev0)
                w += class_.target
                // (Most classes have no candidate or one: nothing to sort.)
                let loss = sellable[c].loss, by = buyable[c].by
                classes.append(
                    ClassPart(
                        group: g, dev0: dev0, freeSellable: sellable[c].free,
                        lossSellable: loss.count < 2 ? loss : loss.sorted { $0.candidate < $1.candidate },
                        freelyBuyable: buyable[c].free, buyableBy: by.count < 2 ? by : by.sorted(), sellCap: xMax))
            }
            let h = 0.5 * (1 - w) * group.investable
            half.append(h)
            groupWide.append(max(0, p0 - xMax - h, n0 - yMax + h))
            investable.append(group.investable)
        }

        // Components: candidates joined by sharing a class.
        let linked = linkedComponents(classes.map(\.candidates), candidateCount: built.guardCandidates.count)
        self.classes = classes
        self.half = half
        self.groupWide = groupWide
        self.investable = investable
        self.components = linked.components.map { ($0.parts, $0.candidates) }
        self.fixedClasses = linked.untouched
        var over: [[Double]] = [], under: [[Double]] = []
        for component in linked.components {
            var o: [Double] = [], u: [Double] = []
            if component.candidates.count <= Self.enumerationLimit {
                let count = (1 << component.candidates.count) * component.parts.count
                o.reserveCapacity(count)
                u.reserveCapacity(count)
                for mask in 0..<(1 << component.candidates.count) {
                    for c in component.parts {
                        let p = classes[c].parts(component.candidates, mask)
                        o.append(p.over)
                        u.append(p.under)
                    }
                }
            }
            over.append(o)
            under.append(u)
        }
        (settledOver, settledUnder) = (over, under)
        fixedParts = linked.untouched.map { classes[$0].parts([], 0) }
        groupOf = classes.map(\.group)
    }

    /// A class's term, by its group and its (O_c, U_c): λ_G·O_c + (1 − λ_G)·U_c for D, the part
    /// outside the band for D_β. (A value, not a closure: the coordinate ascent evaluates the
    /// bound about forty times a drift stage, and a closure's context was allocated every time.)
    struct Term {
        let lambda: [Double]
        /// β in percentage points for D_β, with each group's I_G; nil for D.
        let band: (points: Double, investable: [Double])?

        func callAsFunction(_ g: Int, _ p: (over: Double, under: Double)) -> Double {
            if let band { return 0.5 * max(0, max(p.over, p.under) - band.points / 100 * band.investable[g]) }
            return lambda[g] * p.over + (1 - lambda[g]) * p.under
        }
    }

    /// Σ over the members of component `i` of `term` under its settlement `mask`.
    private func settlementTerm(_ i: Int, _ mask: Int, _ term: Term) -> Double {
        let members = components[i].classes
        let first = mask * members.count
        var total = 0.0
        for (j, c) in members.enumerated() { total += term(groupOf[c], (settledOver[i][first + j], settledUnder[i][first + j])) }
        return total
    }

    /// min over the ways of settling component `i`'s candidates of Σ over its members of `term`;
    /// class by class when there are too many ways.
    private func leastTerm(_ i: Int, _ term: Term) -> Double {
        let (members, candidates) = components[i]
        func least(_ members: [Int], _ candidates: [Int]) -> Double {
            var best = Double.infinity
            for mask in 0..<(1 << candidates.count) {
                let total = members.reduce(0.0) { $0 + term(classes[$1].group, classes[$1].parts(candidates, mask)) }
                best = min(best, total)
            }
            return best
        }
        if candidates.count <= Self.enumerationLimit {
            var best = Double.infinity
            for mask in 0..<(1 << candidates.count) { best = min(best, settlementTerm(i, mask, term)) }
            return best
        }
        return members.reduce(0.0) { total, i in
            let own = classes[i].candidates
            if own.count <= Self.enumerationLimit { return total + least([i], own) }
            // Every loss lot sellable and every purchase allowed: no settlement does better.
            let part = classes[i]
            let unguarded = (max(0, part.dev0 - min(part.freeSellable + part.lossSellable.reduce(0) { $0 + $1.dollars }, part.sellCap)),
                part.freelyBuyable || !part.buyableBy.isEmpty ? 0 : max(0, -part.dev0))
            return total + term(part.group, unguarded)
        }
    }

    /// Each class's term for one choice of λ per group (D) or of the band (D_β), and the
    /// constant part of the bound.
    private func terms(_ stage: Stage, _ lambda: [Double]) -> (term: Term, constant: Double) {
        if case .bandMisallocation(let points) = stage {
            return (Term(lambda: lambda, band: (points, investable)), 0)
        }
        let constant = half.indices.reduce(0.0) { $0 + (1 - 2 * lambda[$1]) * half[$1] }
        return (Term(lambda: lambda, band: nil), constant)
    }

    /// The bound for one choice of λ.
    private func bound(_ stage: Stage, _ lambda: [Double]) -> Double {
        let (term, constant) = terms(stage, lambda)
        var total = constant
        for (k, i) in fixedClasses.enumerated() { total += term(groupOf[i], fixedParts[k]) }
        for i in components.indices { total += leastTerm(i, term) }
        return total
    }

    /// The best λ found by coordinate ascent over a grid of twentieths (each λ gives a valid
    /// bound, so the search needs no optimality), and its bound. D_β has no λ.
    ///
    /// The search stops where it reaches the group whose scan last changed λ: nothing changed
    /// since that scan left λ_G at its best step, so it would evaluate the same bounds again and
    /// keep none (each was at most the best then, within the tolerance, and the best only
    /// grows), nor would the scans after it in the round. With one group (most households) that
    /// is the whole second round.
    private func bestLambda(_ stage: Stage) -> (lambda: [Double], bound: Double) {
        var lambda = [Double](repeating: 0.5, count: half.count)
        var best = bound(stage, lambda)
        guard case .misallocation = stage else { return (lambda, best) }
        /// The group whose scan last changed λ.
        var lastChanged: Int?
        for _ in 0..<3 {
            var improved = false
            for g in lambda.indices {
                if g == lastChanged { break }
                for step in 0...20 {
                    // (λ with λ_G at the step, kept if better: changed in place, not copied. The
                    // step λ_G is at gives the best again, which is not kept: not evaluated.)
                    let kept = lambda[g]
                    if Double(step) / 20 == kept { continue }
                    lambda[g] = Double(step) / 20
                    let value = bound(stage, lambda)
                    if value > best + 1e-9 * max(1, abs(best)) { (best, improved, lastChanged) = (value, true, g) } else { lambda[g] = kept }
                }
            }
            if !improved { break }
        }
        return (lambda, best)
    }

    /// A lower bound on D.
    func driftBound() -> Double {
        max(0, bestLambda(.misallocation).bound, groupWide.reduce(0, +))
    }

    /// A lower bound on D_β (β in percentage points).
    func bandBound(points: Double) -> Double {
        bestLambda(.bandMisallocation(points: points)).bound
    }

    /// The guard candidates (by index) that every plan whose `stage` value is at most `value`
    /// settles one way, and that way (true: it buys, and sells no loss lot). With the bound's
    /// λ, a plan's value is at least the constant plus each component's term at the plan's
    /// settlement, and the bound is the constant plus each component's least term: so a plan
    /// within `value` settles each component within `value − bound` of its least term. A
    /// component with a single such settlement is forced to it.
    func forcedSides(_ stage: Stage, atMost value: Double) -> [Int: Bool] {
        let (lambda, bound) = bestLambda(stage)
        let (term, _) = terms(stage, lambda)
        let allowance = value - bound + 1e-9 * max(1, abs(value))
        var forced: [Int: Bool] = [:]
        for (c, component) in components.enumerated() where component.candidates.count <= Self.enumerationLimit {
            let values = (0..<(1 << component.candidates.count)).map { settlementTerm(c, $0, term) }
            let least = values.min()!
            let within = values.indices.filter { values[$0] <= least + allowance }
            guard within.count == 1 else { continue }
            for (i, k) in component.candidates.enumerated() { forced[k] = within[0] & (1 << i) != 0 }
        }
        return forced
    }
}

/// Parts (a class, a deviation row) linked by sharing a guard candidate, by union-find:
/// each component's parts in increasing order and its candidates sorted, components in the
/// order of their root candidate, and apart the parts that touch no candidate.
/// `partCandidates[i]`: the candidates (indices below `candidateCount`) part i touches.
func linkedComponents(
    _ partCandidates: [[Int]], candidateCount: Int
) -> (components: [(parts: [Int], candidates: [Int])], untouched: [Int]) {
    var parent = Array(0..<candidateCount)
    func find(_ k: Int) -> Int {
        var k = k
        while parent[k] != k { parent[k] = parent[parent[k]]; k = parent[k] }
        return k
    }
    var untouched: [Int] = []
    for (i, touching) in partCandidates.enumerated() {
        guard let first = touching.first else { untouched.append(i); continue }
        for k in touching.dropFirst() { parent[find(k)] = find(first) }
    }
    // (Arrays by root, not dictionaries and sets: this runs after every drift stage.)
    var partsOf = [[Int]](repeating: [], count: candidateCount)
    var touched = [Bool](repeating: false, count: candidateCount)
    for (i, touching) in partCandidates.enumerated() {
        guard let first = touching.first else { continue }
        partsOf[find(first)].append(i)
        for k in touching { touched[k] = true }
    }
    // A component's candidates: every candidate a part of it touches, all linked to its root.
    var root = [Int](repeating: -1, count: candidateCount)
    for k in 0..<candidateCount where touched[k] { root[k] = find(k) }
    var components: [(parts: [Int], candidates: [Int])] = []
    for r in 0..<candidateCount where !partsOf[r].isEmpty {
        components.append((partsOf[r], (0..<candidateCount).filter { root[$0] == r }))
    }
    return (components, untouched)
}
