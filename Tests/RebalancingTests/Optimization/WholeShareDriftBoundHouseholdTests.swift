import Foundation
import GLPKSolver
import RebalanceTestSupport
import Testing

@testable import Rebalancing

/// The whole-share drift bound (WholeShareDriftBound.swift) against the least D of every
/// whole-share plan of small households with what `WholeShareDriftBoundTests` leaves out: several
/// groups (accounts with their own pie beside the household's, holding symbols their pie does not
/// target), nested pies, alternates, up to three accounts of each type, cash rows that bind
/// (withdrawals, `minCash`), `doNotSell`, taxable lots at a loss under the wash-sale guard with
/// identical groups across classes and accounts, and pie weights summing to 99.99 or 100.01
/// (the validator's tolerance). Under `full` and under `cash-only` (its caps on sales).
///
/// The least D is computed here from the contract alone (docs/scenario-format.md,
/// docs/strategies.md), in 1/10,000ths of a dollar so that prices (cents) times shares
/// (hundredths) are exact. Per account and symbol, the order is one of: n whole shares bought
/// (n ≥ 1, a member of a class its group targets), k whole shares sold (1 ≤ k ≤ ⌊Q⌋, Q the
/// shares of the lots it may sell), the position closed (every lot it may sell, where Q is
/// fractional), or nothing; the account keeps e = cash + flow − minCash − bought + sold ≥ 0, and
/// under `cash-only` sells nothing where cash + flow cover minCash, else at most the shortfall
/// plus the highest price it holds. A plan breaks the wash-sale guard when it buys any member of
/// an identical group and sells a taxable lot of any member at a loss: a sale of k shares must
/// touch a loss lot where k exceeds the shares of the gain lots, a close where a loss lot is
/// sellable. Per group G, with I_G its cash, flows and holdings less every minCash, and each class
/// (a leaf's symbol and alternates, target the product of weight/100 along its path; or a held
/// symbol its pie does not target, target 0): D_G = ½(Σ_c |V_c − w_c·I_G| + Σ_a e_a), D = Σ_G D_G.
///
/// The listing is kept small by three reductions that lose no least D. (1) The guard couples
/// groups only through its sides: per identical group, every plan either buys no member or sells
/// no loss lot of any member, so the least D is the least, over each choice of sides, of the sum
/// of each group's least D with those sides imposed. (2) Within a group, a plan enters D only
/// through each class's net purchase Δ_c, and e_a follows from the account's own Δ (Σ_a e_a =
/// Σ_a (cash + flow − minCash) − Σ_c Δ_c); since Σ_c dev_c + Σ_a e_a = (1 − Σ w)·I_G,
/// D_G = (1 − Σ w)·I_G/2 + Σ_c max(0, −dev_c), which is the same for every Δ_c at or above the
/// class's shortfall: Δ_c is capped there (at the first unit at or above it) and plans are merged
/// by their capped Δ, account by account. (3) No account buys more of a class than the shortfall
/// plus every other account's sales in it plus a share: one share fewer would keep the capped
/// Δ_c and leave more cash (and a purchase fewer never breaks the guard), so such a plan is never
/// needed for the least D. (The bound itself knows none of this: it sees only the model.)
@Suite struct WholeShareDriftBoundHouseholdTests {
    struct Leaf {
        var symbol: Int, alternates: [Int] = [], weight: Double
    }
    /// A top-level slice: a leaf, or a sub-pie of leaves.
    struct Slice {
        var weight: Double
        var leaf: Leaf?
        var sub: [Leaf] = []
    }
    struct Lot {
        var symbol: Int
        /// Hundredths of a share.
        var shares: Int
        /// Cost basis as a fraction of the value (above 1: a loss).
        var basis: Double
        var doNotSell = false
    }
    struct Account {
        var type = "taxable"
        /// Cents.
        var cash = 0, flow = 0, minCash = 0
        var lots: [Lot] = []
        /// Its own pie (flat), or nil: the household's.
        var pie: [Leaf]?
    }
    struct Small {
        /// Cents.
        var prices: [Int] = []
        var identical: [[Int]] = []
        var pie: [Slice] = []
        var accounts: [Account] = []

        func name(_ s: Int) -> String { "S\(s)" }
        func dollars(_ cents: Int) -> String { String(format: "%.2f", Double(cents) / 100) }

        func leafYAML(_ leaf: Leaf) -> String {
            let alternates = leaf.alternates.isEmpty ? "" : ", alternates: [\(leaf.alternates.map(name).joined(separator: ", "))]"
            return "{symbol: \(name(leaf.symbol)), weight: \(leaf.weight)\(alternates)}"
        }

        var yaml: String {
            let priceList = prices.indices.map { "\(name($0)): \(dollars(prices[$0]))" }.joined(separator: ", ")
            var lines = ["asOf: 2026-11-20", "prices: {\(priceList)}"]
            if !identical.isEmpty {
                lines.append("washSale: {identical: [\(identical.map { "[\($0.map(name).joined(separator: ", "))]" }.joined(separator: ", "))]}")
            }
            lines.append("pie:")
            lines.append("  slices:")
            for (i, slice) in pie.enumerated() {
                if let leaf = slice.leaf {
                    lines.append("    - \(leafYAML(leaf))")
                } else {
                    lines.append("    - name: P\(i)")
                    lines.append("      weight: \(slice.weight)")
                    lines.append("      slices: [\(slice.sub.map(leafYAML).joined(separator: ", "))]")
                }
            }
            lines.append("accounts:")
            for (a, account) in accounts.enumerated() {
                lines += [
                    "  - id: a\(a)", "    type: \(account.type)", "    cash: \(dollars(account.cash))",
                    "    flow: \(dollars(account.flow))", "    minCash: \(dollars(account.minCash))", "    wholeShares: true",
                ]
                if let own = account.pie { lines.append("    pie: {slices: [\(own.map(leafYAML).joined(separator: ", "))]}") }
                lines.append("    lots:")
                for lot in account.lots {
                    let shares = Double(lot.shares) / 100
                    let basis = (Double(prices[lot.symbol]) * Double(lot.shares) / 100 * lot.basis).rounded() / 100
                    lines.append(
                        "      - {symbol: \(name(lot.symbol)), shares: \(shares), costBasis: \(basis), acquired: 2021-03-04\(lot.doNotSell ? ", doNotSell: true" : "")}"
                    )
                }
            }
            return lines.joined(separator: "\n")
        }

        /// Whether the lot is a taxable loss (its basis, as written, above its value).
        func isLoss(_ account: Account, _ lot: Lot) -> Bool {
            let basis = (Double(prices[lot.symbol]) * Double(lot.shares) / 100 * lot.basis).rounded()  // cents
            return account.type == "taxable" && basis > Double(prices[lot.symbol] * lot.shares) / 100
        }

        /// The identical group of a symbol (its smallest member).
        func key(_ s: Int) -> Int { identical.first { $0.contains(s) }?.min() ?? s }

        struct Class {
            var members: [Int], target: Double
        }
        struct Group {
            var accounts: [Int], classes: [Class]
        }

        var groups: [Group] {
            func classes(_ leaves: [(Leaf, Double)], held: [Int]) -> [Class] {
                var out = leaves.map { Class(members: [$0.0.symbol] + $0.0.alternates, target: $0.1) }
                for s in Set(held).sorted() where !out.contains(where: { $0.members.contains(s) }) {
                    out.append(Class(members: [s], target: 0))
                }
                return out
            }
            var out: [Group] = []
            let shared = accounts.indices.filter { accounts[$0].pie == nil }
            var householdLeaves: [(Leaf, Double)] = []
            for slice in pie {
                if let leaf = slice.leaf { householdLeaves.append((leaf, leaf.weight / 100)) }
                for leaf in slice.sub { householdLeaves.append((leaf, slice.weight / 100 * leaf.weight / 100)) }
            }
            if !shared.isEmpty {
                out.append(Group(accounts: shared, classes: classes(householdLeaves, held: shared.flatMap { accounts[$0].lots.map(\.symbol) })))
            }
            for (a, account) in accounts.enumerated() {
                guard let own = account.pie else { continue }
                out.append(Group(accounts: [a], classes: classes(own.map { ($0, $0.weight / 100) }, held: account.lots.map(\.symbol))))
            }
            return out
        }

        /// One account's order set: per class of its group, the net purchase (units of $0.0001),
        /// and the identical groups it buys a member of and sells a loss lot of.
        struct Option {
            var delta: [Int]
            var buys: Set<Int>, lossSales: Set<Int>
        }

        /// Every order set of account `a` (reduction (3) applied with `limit`, per class).
        func orderSets(_ a: Int, _ group: Group, cashOnly: Bool, limit: [Int]) -> [Option] {
            let account = accounts[a]
            let start = 100 * (account.cash + account.flow - account.minCash)  // units
            var symbols = Set(account.lots.map(\.symbol))
            for c in group.classes where c.target > 0 { symbols.formUnion(c.members) }
            let list = symbols.sorted()
            let classOf = { (s: Int) in group.classes.firstIndex { $0.members.contains(s) }! }
            var saleCap = Int.max
            if cashOnly {
                let need = max(0, account.minCash - account.cash - account.flow)
                saleCap = need == 0 ? 0 : 100 * (need + (account.lots.map { prices[$0.symbol] }.max() ?? 0))
            }
            // Per symbol: (shares it may sell in hundredths, of which at a gain, whether a loss lot may be sold).
            func sellable(_ s: Int) -> (all: Int, gains: Int, loss: Bool) {
                var all = 0, gains = 0, loss = false
                for lot in account.lots where lot.symbol == s && !lot.doNotSell {
                    all += lot.shares
                    if isLoss(account, lot) { loss = true } else { gains += lot.shares }
                }
                return (all, gains, loss)
            }
            var out: [Option] = []
            var delta = [Int](repeating: 0, count: group.classes.count)
            var buys = Set<Int>(), lossSales = Set<Int>()
            let laterSales = list.indices.map { i in list[(i + 1)...].reduce(0) { $0 + prices[$1] * sellable($1).all } }
            func choose(_ i: Int, money: Int, sold: Int) {
                if i == list.count {
                    if money >= 0 { out.append(Option(delta: delta, buys: buys, lossSales: lossSales)) }
                    return
                }
                let s = list[i], p = prices[s], c = classOf(s)
                let (all, gains, loss) = sellable(s)
                // Orders: shares moved in hundredths (+ bought, − sold), and whether a loss lot is sold.
                var orders: [(moved: Int, loss: Bool)] = [(0, false)]
                for k in stride(from: 100, through: all, by: 100) { orders.append((-k, loss && k > gains)) }
                if all % 100 != 0 { orders.append((-all, loss)) }
                if group.classes[c].target > 0 {
                    let reach = min(money + min(laterSales[i], saleCap == .max ? .max : saleCap - sold), 100 * 1_000_000)
                    var n = 1
                    while n * p * 100 <= reach && n * p * 100 <= limit[c] + 100 * p {
                        orders.append((100 * n, false))
                        n += 1
                    }
                }
                for order in orders {
                    let value = p * order.moved  // units: cents × hundredths
                    if order.moved < 0 && sold - value > saleCap { continue }
                    delta[c] += value
                    let (hadBuy, hadLoss) = (buys.contains(key(s)), lossSales.contains(key(s)))
                    if order.moved > 0 { buys.insert(key(s)) }
                    if order.loss { lossSales.insert(key(s)) }
                    choose(i + 1, money: money - value, sold: order.moved < 0 ? sold - value : sold)
                    if !hadBuy { buys.remove(key(s)) }
                    if !hadLoss { lossSales.remove(key(s)) }
                    delta[c] -= value
                }
            }
            choose(0, money: start, sold: 0)
            return out
        }

        var value: [Int] {  // units, per account: cash, flow and holdings
            accounts.map { account in 100 * (account.cash + account.flow) + account.lots.reduce(0) { $0 + prices[$1.symbol] * $1.shares } }
        }

        /// The least D over every whole-share plan (see the suite's comment).
        func leastD(cashOnly: Bool) -> Double {
            let keys = Set(accounts.flatMap { account in account.lots.filter { isLoss(account, $0) }.map { key($0.symbol) } }).sorted()
            var total = Double.infinity
            let groups = groups
            let prepared = groups.map { group -> (dev0: [Double], caps: [[Int]], options: [[Option]], half: Double) in
                let investable = group.accounts.reduce(0.0) { $0 + Double(value[$1] - 100 * accounts[$1].minCash) }  // units
                let count = group.classes.count
                var dev0 = [Double](repeating: 0, count: count)
                // What each account may sell of each class.
                var sales = group.accounts.map { _ in [Int](repeating: 0, count: count) }
                for (c, class_) in group.classes.enumerated() {
                    var held = 0
                    for (i, a) in group.accounts.enumerated() {
                        for lot in accounts[a].lots where class_.members.contains(lot.symbol) {
                            held += prices[lot.symbol] * lot.shares
                            if !lot.doNotSell { sales[i][c] += prices[lot.symbol] * lot.shares }
                        }
                    }
                    dev0[c] = Double(held) - class_.target * investable
                }
                let cap = dev0.map { Int((-$0).rounded(.up)) }
                let allSales = (0..<count).map { c in sales.reduce(0) { $0 + $1[c] } }
                let options = group.accounts.map { a in
                    orderSets(a, group, cashOnly: cashOnly, limit: (0..<count).map { max(0, cap[$0]) + allSales[$0] })
                }
                // The cap after account i's orders: the shortfall plus what later accounts may still
                // sell of the class (a state above it stays at or above the shortfall whatever follows).
                let caps = group.accounts.indices.map { i in
                    (0..<count).map { c in cap[c] + sales[(i + 1)...].reduce(0) { $0 + $1[c] } }
                }
                let half = 0.5 * (1 - group.classes.reduce(0) { $0 + $1.target }) * investable
                return (dev0, caps, options, half)
            }
            for mask in 0..<(1 << keys.count) {
                // Bit set: the identical group buys no member; else it sells no loss lot.
                let noBuy = Set(keys.indices.filter { mask & (1 << $0) != 0 }.map { keys[$0] })
                let noLoss = Set(keys).subtracting(noBuy)
                var sum = 0.0
                for g in groups.indices {
                    let (dev0, caps, options, half) = prepared[g]
                    var states: Set<[Int]> = [dev0.map { _ in 0 }]
                    for (i, accountOptions) in options.enumerated() {
                        let allowed = accountOptions.filter { $0.buys.isDisjoint(with: noBuy) && $0.lossSales.isDisjoint(with: noLoss) }
                        let cap = caps[i]
                        var next = Set<[Int]>()
                        for state in states {
                            for option in allowed {
                                next.insert(state.indices.map { min(cap[$0], state[$0] + option.delta[$0]) })
                            }
                        }
                        states = next
                    }
                    let least = states.map { state in
                        state.indices.reduce(half) { $0 + max(0, -(dev0[$1] + Double(state[$1]))) }
                    }.min() ?? .infinity
                    sum += least
                }
                total = min(total, sum)
            }
            return total / 10_000
        }
    }

    static func small(seed: UInt64) -> Small {
        var rng = WholeSharesEnumerationTests.Rng(state: seed &* 104_729 &+ 11)
        var h = Small()
        let n = rng.int(3...4)
        // Every other household in round dollars: prices in $5 steps and cash in $5 steps too, so
        // that plans spending a group's cash to the cent are common (where the bound once failed).
        let round = seed % 2 == 1
        let unit = round ? 500 : 1
        for _ in 0..<n { h.prices.append(unit * rng.int((4_000 / unit)...(22_000 / unit))) }
        if rng.int(0...1) == 0 { h.identical = [[0, 1]] }
        /// Integer weights summing to 100, or (one time in four) two-decimal ones summing to 99.99 or 100.01.
        func weights(_ count: Int) -> [Double] {
            var out: [Double] = []
            var left = 100
            for i in 0..<count {
                let w = i == count - 1 ? left : rng.int(15...(left - 15 * (count - 1 - i)))
                out.append(Double(w))
                left -= w
            }
            if count > 1 && rng.int(0...3) == 0 {
                out[0] += [-0.01, 0.01][rng.int(0...1)]
                out[0] = (out[0] * 100).rounded() / 100
            }
            return out
        }
        // The household pie: two or three top slices over distinct symbols, perhaps one an
        // alternate, perhaps the last two leaves a sub-pie.
        var unused = Array(0..<n)
        func take() -> Int { unused.remove(at: rng.int(0...(unused.count - 1))) }
        let leaves = rng.int(2...min(3, n))
        var symbols = (0..<leaves).map { _ in take() }
        var alternate: (leaf: Int, symbol: Int)?
        if !unused.isEmpty && rng.int(0...2) == 0 { alternate = (rng.int(0...(leaves - 1)), take()) }
        func leaf(_ i: Int, _ w: Double) -> Leaf {
            Leaf(symbol: symbols[i], alternates: alternate.map { $0.leaf == i ? [$0.symbol] : [] } ?? [], weight: w)
        }
        if leaves == 3 && rng.int(0...1) == 0 {
            let top = weights(2), sub = weights(2)
            h.pie = [Slice(weight: top[0], leaf: leaf(0, top[0])), Slice(weight: top[1], sub: [leaf(1, sub[0]), leaf(2, sub[1])])]
        } else {
            let w = weights(leaves)
            h.pie = (0..<leaves).map { Slice(weight: w[$0], leaf: leaf($0, w[$0])) }
        }
        symbols = []
        let types = ["taxable", "taxDeferred", "taxExempt"]
        for a in 0..<rng.int(2...3) {
            var account = Account()
            account.type = a == 0 ? "taxable" : types[rng.int(0...2)]
            if a > 0 && rng.int(0...1) == 0 {
                // Its own pie: one or two leaves over any symbols.
                var pool = Array(0..<n)
                let count = rng.int(1...2)
                let w = count == 1 ? [100.0] : weights(2)
                account.pie = (0..<count).map { i in Leaf(symbol: pool.remove(at: rng.int(0...(pool.count - 1))), weight: w[i]) }
            }
            // One to three symbols held (any, so an own-pie account may hold one its pie does
            // not target), a taxable one sometimes in two lots (one at a gain, one at a loss).
            var pool = Array(0..<n)
            for _ in 0..<rng.int(1...3) {
                let s = pool.remove(at: rng.int(0...(pool.count - 1)))
                let lots = account.type == "taxable" && rng.int(0...3) == 0 ? 2 : 1
                for l in 0..<lots {
                    let whole = rng.int(0...2) == 0
                    let shares = whole ? 100 * rng.int(1...3) : rng.int(1...299)
                    let basis = lots == 2 ? (l == 0 ? 0.8 : 1.25) : [0.7, 0.85, 1.15, 1.3][rng.int(0...3)]
                    account.lots.append(Lot(symbol: s, shares: shares, basis: basis, doNotSell: rng.int(0...7) == 0))
                }
            }
            account.cash = unit * rng.int(0...(25_000 / unit))
            switch rng.int(0...5) {
            case 0, 1: account.flow = unit * rng.int(0...(30_000 / unit))
            case 2:
                // A withdrawal the sellable lots can raise (with the cash, above minCash).
                let sellable = account.lots.filter { !$0.doNotSell }.reduce(0) { $0 + h.prices[$1.symbol] * $1.shares / 100 }
                account.flow = -min(account.cash + sellable / 2, rng.int(1_000...20_000))
            default: break
            }
            if rng.int(0...4) == 0 { account.minCash = min(rng.int(0...5_000), max(0, account.cash + account.flow)) }
            h.accounts.append(account)
        }
        return h
    }

    /// Never above the least D (under `full` and `cash-only`), and not a bound that only ever
    /// stays low: above a cent on most households, and the least D on some.
    @Test(arguments: [0..<100, 100..<200, 200..<300, 300..<400])
    func theBoundIsNeverAboveTheLeastD(seeds: Range<Int>) throws {
        var reached = 0, positive = 0, cases = 0
        for seed in seeds {
            let small = Self.small(seed: UInt64(seed))
            let built = try household(small.yaml)
            for strategy in ["full", "cash-only"] {
                let bound = try #require(RebalanceModel(built, strategy: try Strategy(parsing: strategy).kind).wholeShareDriftBound())
                let least = small.leastD(cashOnly: strategy == "cash-only")
                #expect(bound <= least + 1e-6, "seed \(seed) \(strategy): bound \(bound) above the least D \(least)\n\(small.yaml)")
                cases += 1
                if bound >= least - 0.01 { reached += 1 }
                if bound > 0.01 { positive += 1 }
            }
        }
        #expect(reached >= cases / 10, "the bound reached the least D on \(reached) of \(cases)")
        #expect(positive >= cases / 2, "the bound above a cent on \(positive) of \(cases)")
    }

    /// The planner, which stops branch and bound on the drift stage once its best plan reaches
    /// the bound: every plan called optimal reaches the least D within the stage margin (and no
    /// plan is below it, which would mean the listing above missed one).
    /// (Seeds 79, 223 and 255: where the bound was above the least D before the fix of step 4.)
    @Test(arguments: [Array(0..<15), Array(15..<30), [79, 223, 255]])
    func plansCalledOptimalReachTheLeastD(seeds: [Int]) throws {
        #expect(RebalanceModel.wholeShareBoundStops)
        for seed in seeds {
            let small = Self.small(seed: UInt64(seed))
            let built = try household(small.yaml)
            for strategy in ["full", "cash-only"] {
                let plan = Planner().plan(built, strategy: try Strategy(parsing: strategy))
                guard plan.status == .optimal else {
                    Issue.record("seed \(seed) \(strategy): \(plan.status)")
                    continue
                }
                let drift = PlanReport(plan, household: built).summary.misallocatedAfter
                let least = small.leastD(cashOnly: strategy == "cash-only")
                let margin = Optimizer<GLPKSolver>.stageTolerance(built)
                #expect(drift <= least + margin + 0.005, "seed \(seed) \(strategy): D \(drift), least \(least)\n\(small.yaml)")
                #expect(drift >= least - 0.005, "seed \(seed) \(strategy): D \(drift) below the least \(least)\n\(small.yaml)")
            }
        }
    }
}
