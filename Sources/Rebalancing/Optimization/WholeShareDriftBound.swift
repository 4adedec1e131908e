import Foundation

// A lower bound on D for households trading whole shares, in closed form: what branch and bound
// cannot prove by itself (its relaxation lets every class sit at its target, so its bound stays
// near 0 while the whole-share optimum is dollars), and where it may stop.
//
// For a group G write dev_c = V_c − w_c·I_G (class c's value after the plan less its target),
// N = Σ_c max(0, −dev_c), E = Σ_a e_a and h = ½(1 − Σ_c w_c)·I_G. Summing G's cash rows gives
// Σ_c dev_c + E = 2h, so with d± at their least
//     D_G = ½(Σ_c |dev_c| + E) = N + h,   and E ≥ 0 says   Σ_c dev_c ≤ 2h.
// (Any d± larger only raises D.) The bound keeps these two facts and the values each dev_c can
// take, and drops the rest: the per-account cash rows (only their sum), the minimum trades,
// cash-only's sell caps, and the wash-sale guard but for the one-symbol classes below — a
// relaxation, so its least D bounds the stage's.
//
// Each class's reachable deviations: where the only member the group trades is one symbol s at
// price p, traded in whole shares by every account of G that trades it, dev_c = dev0_c + p·(z − F)
// with z the net whole shares bought (Σ_a m_a − k_a) and F the fractions of the positions sold
// off by closings: F = Σ_{a∈C} frac_a over a set C of accounts that close (each then sells all
// its whole shares and buys none, the one direction of ExecutableOrders). So given C,
// z ∈ [−Σ_a whole_a, Σ_{a∉C} most_a − Σ_{a∈C} whole_a]. Any other class (several members
// traded, or one traded in fractions somewhere) may take any value in
// [dev0 − what may be sold, dev0 + what may be bought]. From these, a⁺_c: the least dev_c ≥ 0
// it can reach, and a⁻_c: the least −dev_c over the dev_c < 0 it can reach (∞ when none). A
// one-symbol class whose symbol the guard may bind on reaches the union of the guard's two sides:
// bought with its loss lots unsold (an account holding one cannot close), or not bought.
// (Without it, branch and bound's first point in whole shares often bought a symbol in one
// account and sold its loss lot in another, below any plan's D.)
//
// The guard's sides are taken jointly where there are few identical groups it may bind on (at
// most `jointSidesLimit`): every plan buys no member of such a group, or sells no loss lot of any
// member (a plan doing neither takes both), so the least D is the least, over each choice of one
// side per group, of the least D of the plans taking those sides; and the bound of those plans is
// computed as above with each side's rows as bounds: on the buying side every loss lot of the
// group's members left out of what may be sold (and an account holding one may not close that
// symbol's position: closing sells every lot it may sell), on the other side every purchase of a
// member left out. Taken class by class (the union of each one-symbol class's two sides, as
// before), a class in one group could buy a member while a class in another group (or another
// account's lot of the same class) sold its loss lot: on household 1 of `rebalance generate
// --households 10 --seed 1` in whole shares, 636.36 → see docs/engineering.md.
//
// For the set Neg of classes that end below target, N ≥ Σ_{Neg} a⁻_c, and Σ dev ≤ 2h gives
// N ≥ Σ_{Neg} −dev_c ≥ Σ_{not Neg} a⁺_c − 2h. So
//     D_G ≥ h + min over Neg of max(Σ_{Neg} a⁻_c, Σ_{not Neg} a⁺_c − 2h),
// enumerated over every Neg (2^n, n the classes with both sides reachable and not both 0; up to
// 16), else bounded by max(A, B) ≥ λA + (1 − λ)B, which separates class by class, for a few λ.
// Where every class that may end below target moves on whole-share progressions, the least
// is then searched exactly over the values each class below target reaches (`exactNegative`).
//
// Why it never exceeds the least D of a plan, step by step (each step may only lower it):
// 1. D = Σ_G D_G, and each D_G = N + h with Σ_c dev_c ≤ 2h holds for every plan (algebra on its
//    rows, for any Σ w, so whatever the pie weights' rounding); dropping rows enlarges the set.
// 2. Each class's set of values is a superset of what the model allows: every lot it may sell
//    (upper > 0) counts as sellable, and every purchase column up to its upper; z is given its
//    whole range, not only the values the accounts' cash rows let it reach; the guard's
//    two sides are each a superset of the plans on that side (a plan buying s sells none of s's
//    loss lots, a plan not buying s is listed with every sale), and a class's two sides are
//    taken independently of every other class's (or, jointly, each choice of sides keeps every
//    plan taking them: only rows the plan satisfies are imposed).
// 3. For the plan's own Neg, N ≥ Σ_{Neg} a⁻ and N ≥ Σ_{not Neg} a⁺ − 2h (above); the min over
//    every Neg, or the λ-weighted bound below max(A, B), is at most that. The exact search
//    lists every value a class below target reaches up to a cap (a plan using a larger one
//    costs more than the cap, which the best found is at most), and for a class at or above
//    target takes a⁺, its least value there, which makes Σ dev ≤ 2h easiest to meet.
// 4. Rounding: every a⁺, a⁻ and listed value is shrunk by a hundredth of a cent (and a
//    relative 1e-9), far above the arithmetic's error, so that it is never above the true one.
//    Where a value enters the test Σ_{Neg} (−dev) ≥ Σ_{not Neg} a⁺ − 2h on its left, a shrunk
//    value is the wrong way round (it makes the test harder): the search allows two shrinks
//    per class there (`exactNegative`). Without that allowance a plan spending a group's cash
//    to the cent was refused by the shrinks' difference, and the bound came out one exchange
//    above the optimum (`own-pie-account.yaml` in whole shares under `cash-only`: 10,436.82
//    where 10,337.82 is reached).
// WholeShareDriftBoundTests and WholeShareDriftBoundHouseholdTests check it against the least D
// of every whole-share plan of 440 small households (several groups and accounts, own pies,
// nested pies, alternates, withdrawals, minCash, the guard across identical groups).
extension RebalanceModel {
    /// The bound above on D (every plan's, whatever its other stages), or nil when no account
    /// trades whole shares (it would be the separable bound's weaker twin).
    func wholeShareDriftBound() -> Double? {
        let accounts = household.scenario.accounts
        guard accounts.contains(where: \.wholeShares) else { return nil }
        let keys = guardCandidates.map(\.symbol)
        guard !keys.isEmpty, keys.count <= Self.jointSidesLimit else { return wholeShareDriftBound(sides: nil) }
        // Every plan takes a side of each identical group the guard may bind on (it buys no
        // member, or sells no loss lot of one; both where it does neither): the least over every
        // choice of sides of the bound of the plans with those sides.
        var least = Double.infinity
        for mask in 0..<(1 << keys.count) {
            let sides = Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, mask & (1 << $0) != 0) })
            least = min(least, wholeShareDriftBound(sides: sides))
        }
        return least
    }

    /// The most identical groups whose sides ``wholeShareDriftBound()`` takes jointly (2^n bounds).
    static var jointSidesLimit: Int { 6 }

    /// The bound above over the plans that take the guard's `sides` (by identical group's key;
    /// true: purchases allowed, its loss lots unsold; false: no member bought), or over every
    /// plan (nil: each one-symbol class then reaches the union of its two sides).
    private func wholeShareDriftBound(sides: [Int: Bool]?) -> Double {
        let accounts = household.scenario.accounts
        let key = household.identicalKey
        var purchaseOf: [Int: [Int: Double]] = [:]  // account → symbol → cap
        for p in purchases {
            let cap = model.columns[p.variable.index].upper
            if sides?[key[p.symbol]] == false { continue }
            if cap > 0 { purchaseOf[p.account, default: [:]][p.symbol] = cap }
        }
        var total = 0.0
        for (g, group) in household.groups.enumerated() {
            var reach: [ClassReach] = []
            var targeted = 0.0
            for (c, class_) in group.classes.enumerated() {
                targeted += class_.target
                var held = 0.0
                // Per traded member: per account, (shares it may sell, value it may sell, whole shares it may buy).
                var sellable: [Int: [Int: Double]] = [:]  // symbol → account → shares
                var sellableValue = 0.0
                /// The wash-sale guard's loss lots (sellable) of each member: unsold where it is bought.
                var lossShares: [Int: [Int: Double]] = [:]  // symbol → account → shares
                /// Accounts that may not close a member's position: a loss lot of it stays unsold.
                var keepsLoss: [Int: Set<Int>] = [:]  // symbol → accounts
                for l in household.classLots[g][c] {
                    let lot = household.lots[l]
                    held += lot.value
                    let upper = model.columns[sells[l].index].upper
                    guard upper > 0 else { continue }
                    if lot.isGuardedLoss, sides?[key[lot.symbol]] == true, guardCandidate(symbol: key[lot.symbol]) != nil {
                        keepsLoss[lot.symbol, default: []].insert(lot.account)
                        continue
                    }
                    sellable[lot.symbol, default: [:]][lot.account, default: 0] += lot.shares
                    sellableValue += upper
                    if sides == nil, lot.isGuardedLoss, guardCandidate(symbol: household.identicalKey[lot.symbol]) != nil {
                        lossShares[lot.symbol, default: [:]][lot.account, default: 0] += lot.shares
                    }
                }
                var buyable: [Int: [Int: Double]] = [:]  // symbol → account → cap
                var buyableValue = 0.0
                for a in group.accounts {
                    for s in class_.members {
                        guard let cap = purchaseOf[a]?[s] else { continue }
                        buyable[s, default: [:]][a] = cap
                        buyableValue += cap
                    }
                }
                let dev0 = held - class_.target * group.investable
                let traded = Set(sellable.keys).union(buyable.keys)
                let shrink = 1e-4 + 1e-9 * (abs(dev0) + sellableValue + min(buyableValue, group.value))
                if traded.count == 1, let s = traded.first,
                    Set(sellable[s, default: [:]].keys).union(buyable[s, default: [:]].keys).allSatisfy({ accounts[$0].wholeShares })
                {
                    let price = household.prices[s], all = sellable[s, default: [:]], buys = buyable[s, default: [:]]
                    if let losses = lossShares[s], !buys.isEmpty {
                        // Every plan takes one side of the guard on s (a one-member class: its
                        // identical group's other members are in other classes): it buys s and
                        // sells none of its loss lots (which an account holding one then cannot
                        // close), or it buys none of s. The class reaches the union of the two.
                        let gains = all.mapValues { $0 }.merging(losses) { $0 - $1 }
                        let buying = Self.wholeShareSides(
                            dev0: dev0, price: price, sellable: gains, buyable: buys, shrink: shrink, noClosing: Set(losses.keys))
                        let selling = Self.wholeShareSides(dev0: dev0, price: price, sellable: all, buyable: [:], shrink: shrink)
                        reach.append(buying.union(selling))
                    } else {
                        reach.append(
                            Self.wholeShareSides(
                                dev0: dev0, price: price, sellable: all, buyable: buys, shrink: shrink, noClosing: keepsLoss[s] ?? []))
                    }
                } else {
                    let low = dev0 - sellableValue, high = dev0 + buyableValue
                    reach.append(ClassReach(Self.sides(low: low, high: high, shrink: shrink)))
                }
            }
            let h = 0.5 * (1 - targeted) * group.investable
            total += h + Self.leastNegative(reach, room: 2 * h)
        }
        return total
    }

    /// a⁺ and a⁻ of a class moving on whole shares of one symbol (see the top of the file).
    /// `sellable`: shares each account may sell; `buyable`: the dollars each may spend on it;
    /// `noClosing`: accounts that cannot close their position (the guard keeps a lot unsold).
    static func wholeShareSides(
        dev0: Double, price p: Double, sellable: [Int: Double], buyable: [Int: Double], shrink: Double,
        noClosing: Set<Int> = []
    ) -> ClassReach {
        var accounts = Array(Set(sellable.keys).union(buyable.keys)).sorted()
        var whole: [Int: Double] = [:], fraction: [Int: Double] = [:], most: [Int: Double] = [:]
        for a in accounts {
            let shares = sellable[a] ?? 0
            let w = (shares + ExecutableOrders.wholeTolerance).rounded(.down)
            whole[a] = w
            fraction[a] = shares - w > ExecutableOrders.wholeTolerance && !noClosing.contains(a) ? shares - w : 0
            most[a] = buyable[a].map { min(($0 / p + ExecutableOrders.wholeTolerance).rounded(.down), 1e15) } ?? 0
        }
        let closers = accounts.filter { fraction[$0]! > 0 }
        // Too many closings to list (2^n sets): each class may then sit anywhere it can reach.
        guard closers.count <= 10 else {
            let low = dev0 - p * sellable.values.reduce(0, +)
            let high = dev0 + p * accounts.reduce(0) { $0 + most[$1]! }
            return ClassReach(sides(low: low, high: high, shrink: shrink))
        }
        accounts = accounts.filter { whole[$0]! > 0 || most[$0]! > 0 || fraction[$0]! > 0 }
        let lowest = -accounts.reduce(0) { $0 + whole[$1]! }
        var plus = Double.infinity, minus = Double.infinity
        var progressions: [ClassReach.Progression] = []
        for mask in 0..<(1 << closers.count) {
            var f = 0.0
            var highest = accounts.reduce(0) { $0 + most[$1]! }
            for (i, a) in closers.enumerated() where mask & (1 << i) != 0 {
                f += fraction[a]!
                highest -= most[a]! + whole[a]!
            }
            guard highest >= lowest else { continue }
            let r = dev0 - p * f
            progressions.append(ClassReach.Progression(r: r, lowest: lowest, highest: highest))
            // The least z with r + p·z ≥ 0, and the one below it, within [lowest, highest].
            let up = (-r / p).rounded(.up)
            for z in [up - 1, up] {
                let z = min(max(z, lowest), highest)
                let value = r + p * z
                if value + shrink >= 0 { plus = min(plus, max(0, value - shrink)) }
                if value - shrink < 0 { minus = min(minus, max(0, -value - shrink)) }
            }
        }
        return ClassReach(plus: plus, minus: minus, price: p, shrink: shrink, progressions: progressions)
    }

    /// a⁺ and a⁻ of a class that may take any deviation in [low, high].
    static func sides(low: Double, high: Double, shrink: Double) -> (plus: Double, minus: Double) {
        let plus = high + shrink >= 0 ? max(0, low - shrink) : .infinity
        let minus = low - shrink < 0 ? max(0, -high - shrink) : .infinity
        return (plus, minus)
    }

    /// min over the set Neg of classes below target of Σ_{Neg} (−dev_c) subject to
    /// Σ_{Neg} (−dev_c) ≥ Σ_{not Neg} a⁺_c − room (at least 0). First relaxed, each −dev_c
    /// taken as any value from a⁻_c up: min over Neg of max(Σ_{Neg} a⁻, Σ_{not Neg} a⁺ − room),
    /// exactly over every set when few classes are undecided, else by the λ-weighted bound
    /// λ·A + (1 − λ)·B ≤ max(A, B) for a few λ. Then, where every class that may end below
    /// target moves on whole-share progressions, exactly (`exactNegative`): a class below target
    /// takes only the values its progressions reach, which whole shares' steps can put well above
    /// the relaxed value.
    static func leastNegative(_ sides: [ClassReach], room: Double) -> Double {
        var forcedMinus = 0.0, forcedPlus = 0.0
        var open: [ClassReach] = []
        for side in sides {
            if side.plus == .infinity && side.minus == .infinity { continue }  // nothing reachable: no plan (not met in valid models)
            if side.plus == .infinity { forcedMinus += side.minus } else if side.minus == .infinity { forcedPlus += side.plus } else if side.plus > 0 || side.minus > 0 {
                open.append(side)
            }
        }
        var relaxed = 0.0
        if open.count <= 16 {
            var best = Double.infinity
            for mask in 0..<(1 << open.count) {
                var a = forcedMinus, b = forcedPlus
                for (i, side) in open.enumerated() {
                    if mask & (1 << i) != 0 { a += side.minus } else { b += side.plus }
                }
                best = min(best, max(a, b - room))
            }
            relaxed = max(0, best)
        } else {
            for step in 0...20 {
                let lambda = Double(step) / 20
                let separated = open.reduce(0) { $0 + min(lambda * $1.minus, (1 - lambda) * $1.plus) }
                relaxed = max(relaxed, lambda * forcedMinus + (1 - lambda) * (forcedPlus - room) + separated)
            }
        }
        return exactNegative(sides, room: room, relaxed: relaxed) ?? relaxed
    }

    /// The least of ``leastNegative`` over the values each class below target can take, by a
    /// depth-first search over the classes (each at a⁺, or below target at one of its
    /// progressions' values, in increasing order), cut where its cost, or its cost plus what is
    /// still missing of Σ dev ≤ room, reaches the best found. Values above a cap (the relaxed
    /// least plus two of the largest price) are not listed: a search that finds a plan within the
    /// cap has found the least (any plan using a larger value costs more). Nil (the relaxed bound
    /// stands) when a class that may end below target moves in fractions, or when nothing is
    /// found within the cap or within ``exactNodes`` nodes.
    ///
    /// The listed magnitudes are shrunk (a⁻'s hundredth of a cent), which lowers the cost, as a
    /// bound must, but would make the test Σ_{Neg} (−dev) ≥ Σ_{not Neg} a⁺ − room harder to pass:
    /// a plan spending its cash to the cent (Σ dev = room exactly) then failed it by the
    /// shrinks' difference, and the search went on to a dearer one (`own-pie-account.yaml` in
    /// whole shares under `cash-only`: the Roth's 2 QQQ + 12 VGT, shortfall 3,000, lost to
    /// 11 + 3, 3,100). So the test allows `slack`: each listed class's magnitude may be up to
    /// two shrinks above its listed value (one for the shrink, one for the arithmetic's
    /// rounding, which the shrink is chosen to exceed), a⁺ and the forced a⁺ are shrunk the way
    /// that eases the test already, and room gets a relative 1e-9 for its own rounding.
    static func exactNegative(_ sides: [ClassReach], room: Double, relaxed: Double) -> Double? {
        var plus: [Double] = [], lists: [[Double]] = []
        var start = 0.0  // Σ dev so far, negated: what classes held at a⁺ alone add to Σ dev
        var slack = 1e-9 * abs(room)
        let prices = sides.filter { $0.minus < .infinity }.map(\.price)
        let cap = relaxed + 2 * (prices.max() ?? 0) + 1
        for side in sides {
            if side.plus == .infinity && side.minus == .infinity { continue }
            if side.minus == .infinity {
                start -= side.plus
                continue
            }
            guard side.progressions != nil else { return nil }
            plus.append(side.plus)
            lists.append(side.magnitudes(upTo: cap))
            slack += 2 * side.shrink
        }
        let least = -room - slack
        var best = cap, found = false, nodes = 0
        // g: Σ_{Neg} (−dev) − Σ_{not Neg} a⁺ so far; it must end ≥ −room (less the slack).
        func search(_ i: Int, _ cost: Double, _ g: Double) -> Bool {
            nodes += 1
            if nodes > exactNodes { return false }
            if cost + max(0, least - g) >= best { return true }
            if i == plus.count {
                if g >= least { (best, found) = (cost, true) }
                return true
            }
            if plus[i] < .infinity, !search(i + 1, cost, g - plus[i]) { return false }
            for v in lists[i] {
                if cost + v >= best { break }
                if !search(i + 1, cost + v, g + v) { return false }
            }
            return true
        }
        guard search(0, 0, start), found else { return nil }
        return max(best, relaxed)
    }

    /// Nodes of ``exactNegative``'s search.
    static var exactNodes: Int { 200_000 }
}

/// The deviations one class can reach (WholeShareDriftBound.swift): a⁺, a⁻ and, for a class on
/// whole shares, the progressions r + p·z (z whole in [lowest, highest]) its values lie on.
struct ClassReach {
    struct Progression {
        let r: Double, lowest: Double, highest: Double
    }
    var plus: Double, minus: Double
    var price = 0.0, shrink = 0.0
    /// Nil: the class may take any value in an interval.
    var progressions: [Progression]?

    init(plus: Double, minus: Double, price: Double = 0, shrink: Double = 0, progressions: [Progression]? = nil) {
        (self.plus, self.minus, self.price, self.shrink, self.progressions) = (plus, minus, price, shrink, progressions)
    }

    init(_ sides: (plus: Double, minus: Double)) { self.init(plus: sides.plus, minus: sides.minus) }

    /// The values of either (two sides of the wash-sale guard, on the same symbol).
    func union(_ other: ClassReach) -> ClassReach {
        var both = ClassReach(plus: min(plus, other.plus), minus: min(minus, other.minus), price: price, shrink: max(shrink, other.shrink))
        if let mine = progressions, let theirs = other.progressions, price == other.price { both.progressions = mine + theirs }
        return both
    }

    /// Every −dev > 0 the class reaches up to `cap` (shrunk as a⁻ is), in increasing order.
    func magnitudes(upTo cap: Double) -> [Double] {
        guard let progressions, price > 0 else { return [] }
        var out: [Double] = []
        for progression in progressions {
            let up = (-progression.r / price).rounded(.up)
            var z = min(up, progression.highest)
            while z >= progression.lowest {
                let value = progression.r + price * z
                if value - shrink < 0 {
                    let magnitude = max(0, -value - shrink)
                    if magnitude > cap { break }
                    out.append(magnitude)
                }
                z -= 1
            }
        }
        return out.sorted()
    }
}
extension RebalanceModel {
    /// Whether branch and bound may stop at the bound above (`REBALANCE_WHOLE_SHARE_BOUND=0`
    /// turns it off, to compare). It was off for a while: an independent check (HiGHS on every
    /// whole-share stage of the bundled households) found it above the optimum on
    /// `own-pie-account.yaml` under `cash-only` in whole shares, the shrink of step 4 above the
    /// wrong way round.
    static let wholeShareBoundStops = ProcessInfo.processInfo.environment["REBALANCE_WHOLE_SHARE_BOUND"] != "0"

    /// The best closed-form lower bound on a drift stage (`solveGuarded`'s stop): the separable
    /// bound, and for D in whole shares (unless `wholeShareBoundStops` is off) the bound above
    /// where it is higher.
    func driftFloor(_ stage: Stage) -> Double? {
        let separable = separableBound(stage)
        let started = Trace.now()
        guard Self.wholeShareBoundStops, case .misallocation = stage, let whole = wholeShareDriftBound() else { return separable }
        Trace.log { "drift floor: separable \(separable.map { String($0) } ?? "-"), whole shares \(whole), \(Trace.since(started)) s" }
        return max(separable ?? whole, whole)
    }
}
