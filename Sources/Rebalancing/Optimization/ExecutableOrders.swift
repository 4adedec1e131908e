import Foundation
import LinearProgramming

/// Executable orders (docs/strategies.md): the rows and integer columns that make an account's orders ones
/// a broker can place, added only for accounts with `wholeShares` or `minTrade` (every other
/// account, and every household without them, stays a pure LP).
///
/// In dollars, as the rest of the model (v_l raised from lot l, y bought), for one account and
/// one symbol at price p:
/// - whole shares bought: y = p·m, m a whole number in [0, ⌊cap/p⌋];
/// - whole shares sold, over the lots L the account may sell (Q shares, worth V = p·Q):
///   Σ_L v = p·k + p·frac(Q)·c, k whole in [0, ⌊Q⌋], c ∈ {0, 1} with v_l ≥ p·q_l·c — either k whole
///   shares (c = 0), or every lot closed (c = 1, then k = ⌊Q⌋); c only where Q is fractional;
/// - a minimum trade M: a purchase is 0 or ≥ M (y ≤ cap·b, y ≥ M·b), a sale likewise over Σ_L v
///   with V for cap; a binary only where it binds: none when the trade cannot reach M (the trade
///   is then held at 0), none when whole shares already imply it (p ≥ M: one share is enough);
/// - one direction per symbol and account (a binary where it could do both): an account with
///   these rules does not buy a symbol it sells. Both orders would be executable, but selling $25
///   to buy $35 back is a $10 purchase dodging a $25 minimum, and such pairs would multiply the
///   equal answers branch and bound must rule out.
///
/// The optimizer solves such a model by branch and bound (through the wash-sale guard's solve,
/// which hands every integer model to the MIP safeguards: each answer verified with its integers
/// fixed).
///
/// In an account trading fractional shares, the rows of the minimum and of the one direction
/// are deferred (their binaries are columns from the start): a session gets them only for an
/// account and symbol where a point it found breaks them (``addRows(brokenBy:to:)``), as the
/// wash-sale guards are added. They barely tighten the relaxation (with b free in [0, 1],
/// y ≤ cap·b and y ≥ M·b allow every y in [0, cap]), and up front they made a direct-indexing
/// household's model ten times as many rows (two a binary, the sale's over every lot of the
/// symbol). A point that keeps every deferred rule is a point of the whole model (its binaries
/// set as its trades say, ``withBinaries(_:)``); a bound without some rows bounds the model
/// with them. In whole shares the rows stay in the model: there the rounding is the hard part.
struct ExecutableOrders {
    /// Integer and 0/1 columns added (0 for a household without order rules).
    var integerColumns = 0

    /// Below this many shares a position is whole: a float's rounding, not a fraction.
    static let wholeTolerance = 1e-9

    /// No order rules.
    init() {}

    /// Whether the stages after the first branch on the net-share columns first
    /// (`REBALANCE_BRANCH_FIRST=0` turns it off, to compare).
    static let branchesOnNetSharesFirst = ProcessInfo.processInfo.environment["REBALANCE_BRANCH_FIRST"] != "0"

    /// The columns the stages after the first branch on first (`Optimizer`), then the 0/1
    /// columns (the guards, the closings, the one direction): the net-share columns n. Only with
    /// both whole does the relaxation of a stage held at a whole-share drift see that no fraction
    /// of a share or of a guard may turn the drift row's slack into the continuous plan's loss
    /// harvest (docs/engineering.md, "Whole shares: branching on the net shares first"). None
    /// under `band` (its exchange lattices are branched on instead) or with the switch off.
    var branchFirst: [Variable] {
        Self.branchesOnNetSharesFirst && lattices.isEmpty ? nets.map(\.n) : []
    }

    struct Key: Hashable {
        let account: Int, symbol: Int
    }
    /// Whole shares bought (+m) and sold (−k) per account and symbol.
    private var netShares: [Key: [Term]] = [:]
    /// (group, symbol) where some account of the group trades the symbol in fractions.
    private var fractional = Set<Key>()
    /// The closing binaries (c) of the sales of each (group, symbol).
    private var closings: [Key: [Variable]] = [:]
    /// The symbols each group may buy or sell (by group index).
    private var traded: [Set<Int>] = []

    /// The integer columns of one account's orders in one symbol, with what decides them.
    struct Orders {
        var price = 0.0, wholeShares = false, minimum = 0.0
        var purchase: Variable?, bought: Variable?, buyMinimum: Variable?
        var lots: [Variable] = [], shares = 0.0, whole = 0.0
        var sold: Variable?, closes: Variable?, saleMinimum: Variable?
        var buys: Variable?
    }
    private(set) var orders: [Key: Orders] = [:]
    /// Each account's exchange lattice (ExchangeLattice.swift).
    var lattices: [Lattice] = []
    /// The exact-change congruences a session got (ExchangeLattice.swift): a reference, shared by
    /// the copies of the model the optimizer passes around with its one session; nil without lattices.
    private(set) var exactChange: ExactChange?
    /// The deferred rows of each account and symbol in fractional shares, in the order added.
    private var deferred: [Key: [Row]] = [:]
    private var deferredKeys: [Key] = []
    /// The keys whose deferred rows a session has: a reference, shared by the copies of the model
    /// that the optimizer passes around with its one session.
    private final class Added { var keys = Set<Key>() }
    private let added = Added()
    /// The net-share columns n and the m (+1) and k (−1) they sum.
    private var nets: [(n: Variable, terms: [Term])] = []

    /// `exchangeLattices`: each account in whole shares also gets its exchange lattice (band's
    /// stages, ExchangeLattice.swift).
    init(
        _ household: Household, sells: [Variable], purchases: [RebalanceModel.Purchase], exchangeLattices: Bool = false,
        model: inout LinearModel
    ) {
        // No account with whole shares or a minimum trade: every group trades every symbol in
        // fractions, so there is no rule, no net-share column and no rounding cut (`traded`
        // left empty) to add. Most households: this skips building the sets below.
        guard household.scenario.accounts.contains(where: \.hasOrderRules) else { return }
        // Where some account of a group trades a symbol in fractions, its drift there is not
        // granular: no net-share column for the group.
        for (a, account) in household.scenario.accounts.enumerated() where !account.wholeShares {
            let g = household.groupOfAccount[a]
            for purchase in purchases where purchase.account == a { fractional.insert(Key(account: g, symbol: purchase.symbol)) }
            for l in household.lotsByAccount[a] where model.columns[sells[l].index].upper > 0 {
                fractional.insert(Key(account: g, symbol: household.lots[l].symbol))
            }
        }
        for (a, account) in household.scenario.accounts.enumerated() where account.hasOrderRules {
            for purchase in purchases where purchase.account == a {
                addPurchaseRules(purchase, account, household, &model)
            }
            var lotsOf: [Int: [Int]] = [:]
            for l in household.lotsByAccount[a] where model.columns[sells[l].index].upper > 0 {
                lotsOf[household.lots[l].symbol, default: []].append(l)
            }
            for symbol in lotsOf.keys.sorted() {
                let lots = lotsOf[symbol]!.map { (variable: sells[$0], shares: household.lots[$0].shares) }
                addSaleRules(
                    lots, price: household.prices[symbol], account, Key(account: a, symbol: symbol),
                    group: household.groupOfAccount[a], &model)
                // One direction per symbol: buying and selling it in one account would only
                // dodge the rules (sell $25 and buy $35 back for a $10 purchase).
                guard let y = purchases.first(where: { $0.account == a && $0.symbol == symbol })?.variable,
                    model.columns[y.index].upper > 0
                else { continue }
                let sellable = lots.filter { model.columns[$0.variable.index].upper > 0 }
                guard !sellable.isEmpty else { continue }
                let worth = sellable.reduce(0) { $0 + model.columns[$1.variable.index].upper }
                let buys = model.addVariable(binary: true)
                integerColumns += 1
                let key = Key(account: a, symbol: symbol)
                orders[key]!.buys = buys
                addRow(Row([Term(y, 1), Term(buys, -model.columns[y.index].upper)], upper: 0), key, account, &model)
                addRow(Row(sellable.map { Term($0.variable, 1) } + [Term(buys, worth)], upper: worth), key, account, &model)
            }
        }
        // The net whole shares of a symbol a group trades, as one integer column n (Σ m − Σ k − n = 0)
        // where several accounts trade it. Branching on n moves the drift bound at once (the
        // group's holding of the symbol moves in steps of its price); branching on one
        // account's m moves nothing while another account can make up the fraction.
        for (g, group) in household.groups.enumerated() {
            for s in group.symbols where !fractional.contains(Key(account: g, symbol: s)) {
                let terms = group.accounts.flatMap { netShares[Key(account: $0, symbol: s)] ?? [] }
                guard terms.count > 1 else { continue }
                var lower = 0.0, upper = 0.0
                for term in terms {
                    let column = model.columns[term.variable.index]
                    if term.coefficient > 0 { upper += column.upper } else { lower -= column.upper }
                }
                let n = model.addVariable(lower: lower, upper: upper, integer: true)
                integerColumns += 1
                model.addConstraint(terms + [Term(n, -1)], equalTo: 0)
                nets.append((n, terms))
            }
        }
        if exchangeLattices && Self.latticeEnabled {
            addExchangeLattices(household, &model)
            if !lattices.isEmpty { exactChange = ExactChange() }
        }
        traded = household.groups.map { _ in [] }
        for p in purchases where model.columns[p.variable.index].upper > 0 {
            traded[household.groupOfAccount[p.account]].insert(p.symbol)
        }
        for (l, lot) in household.lots.enumerated() where model.columns[sells[l].index].upper > 0 {
            traded[household.groupOfAccount[lot.account]].insert(lot.symbol)
        }
    }

    /// A rounding cut on one class's deviation D = d⁺ − d⁻ (its holding after the trades less
    /// its target), where whole shares make D move in steps: valid at every integer point, and
    /// it makes the relaxation pay for the rounding that branch and bound would otherwise have
    /// to discover node by node.
    ///
    /// When the only member of the class that the group trades is one symbol at price p, traded
    /// in whole shares in every account, and no sale closes a fractional position, then
    /// D = `offset` + p·z for a whole z (`offset`: the holding before trading less the target).
    /// With r = offset mod p, the reachable D nearest to 0 are r − p and r: either D ≤ −a
    /// (a = p − r, so d⁻ ≥ a) or D ≥ b (b = r, so d⁺ ≥ b). Both imply d⁺/b + d⁻/a ≥ 1, and so
    /// does any closing (c = 1): d⁺/b + d⁻/a + Σ c ≥ 1, written ×ab/p to keep the coefficients
    /// of the order of one. a and b are shrunk by a hundredth of a cent (and a relative 1e-9) so
    /// that rounding in the holding's arithmetic never cuts off a true point; where a or b is
    /// below a cent (the target is reachable, or nearly), no cut.
    mutating func addRoundingCut(
        group g: Int, _ class_: Household.Class, offset: Double, plus: Variable, minus: Variable,
        prices: [Double], _ model: inout LinearModel
    ) {
        guard g < traded.count else { return }
        let moving = class_.members.filter { traded[g].contains($0) }
        guard moving.count == 1, let s = moving.first, !fractional.contains(Key(account: g, symbol: s)) else { return }
        let p = prices[s]
        var r = offset.truncatingRemainder(dividingBy: p)
        if r < 0 { r += p }
        let shrink = 1e-4 + 1e-9 * (abs(offset) + p)
        let a = p - r - shrink, b = r - shrink
        guard a >= 0.01, b >= 0.01 else { return }
        let closing = closings[Key(account: g, symbol: s)] ?? []
        model.addConstraint(
            [Term(plus, a / p), Term(minus, b / p)] + closing.map { Term($0, a * b / p) }, lower: a * b / p)
        roundingCuts += 1
    }

    /// Rounding cuts added (``addRoundingCut``).
    private(set) var roundingCuts = 0

    private mutating func addPurchaseRules(
        _ purchase: RebalanceModel.Purchase, _ account: Account, _ household: Household, _ model: inout LinearModel
    ) {
        let y = purchase.variable
        let price = household.prices[purchase.symbol]
        let cap = model.columns[y.index].upper
        let minimum = account.minTrade
        let key = Key(account: purchase.account, symbol: purchase.symbol)
        orders[key, default: Orders()].price = price
        orders[key]!.wholeShares = account.wholeShares
        orders[key]!.minimum = minimum
        orders[key]!.purchase = y
        if account.wholeShares {
            // (At most 1e15 shares: a bound the solver can take.)
            let most = min((cap / price + Self.wholeTolerance).rounded(.down), 1e15)
            guard most >= 1 else {
                model.setBounds(y, lower: 0, upper: 0)
                return
            }
            let m = model.addVariable(lower: 0, upper: most, integer: true)
            integerColumns += 1
            orders[key]!.bought = m
            netShares[Key(account: purchase.account, symbol: purchase.symbol), default: []].append(Term(m, 1))
            model.addConstraint([Term(y, 1), Term(m, -price)], equalTo: 0)
        }
        guard minimum > 0 else { return }
        if cap < minimum {
            model.setBounds(y, lower: 0, upper: 0)
        } else if !(account.wholeShares && price >= minimum) {
            let b = model.addVariable(binary: true)
            integerColumns += 1
            orders[key]!.buyMinimum = b
            addRow(Row([Term(y, 1), Term(b, -cap)], upper: 0), key, account, &model)
            addRow(Row([Term(y, 1), Term(b, -minimum)], lower: 0), key, account, &model)
        }
    }

    /// `lots`: the sell variable and shares of each lot of one symbol the account may sell.
    private mutating func addSaleRules(
        _ lots: [(variable: Variable, shares: Double)], price: Double, _ account: Account, _ key: Key,
        group: Int, _ model: inout LinearModel
    ) {
        let shares = lots.reduce(0) { $0 + $1.shares }
        let worth = price * shares
        let minimum = account.minTrade
        let sold = lots.map { Term($0.variable, 1) }
        orders[key, default: Orders()].price = price
        orders[key]!.wholeShares = account.wholeShares
        orders[key]!.minimum = minimum
        orders[key]!.lots = lots.map(\.variable)
        orders[key]!.shares = shares
        if minimum > 0 && worth < minimum {
            // The whole position is worth less than a minimum trade: it is not sold.
            for lot in lots { model.setBounds(lot.variable, lower: 0, upper: 0) }
            return
        }
        if account.wholeShares {
            let whole = (shares + Self.wholeTolerance).rounded(.down)
            let fraction = shares - whole
            orders[key]!.whole = whole
            var terms = sold
            if whole >= 1 {
                let k = model.addVariable(lower: 0, upper: whole, integer: true)
                integerColumns += 1
                orders[key]!.sold = k
                terms.append(Term(k, -price))
                netShares[key, default: []].append(Term(k, -1))
            }
            if fraction > Self.wholeTolerance {
                // c = 1: every lot closed, the fraction sold with the whole shares.
                let c = model.addVariable(binary: true)
                integerColumns += 1
                closings[Key(account: group, symbol: key.symbol), default: []].append(c)
                orders[key]!.closes = c
                terms.append(Term(c, -price * fraction))
                for lot in lots {
                    model.addConstraint([Term(lot.variable, 1), Term(c, -price * lot.shares)], lower: 0)
                }
            }
            model.addConstraint(terms, equalTo: 0)
        }
        if minimum > 0 && !(account.wholeShares && price >= minimum) {
            let b = model.addVariable(binary: true)
            integerColumns += 1
            orders[key]!.saleMinimum = b
            addRow(Row(sold + [Term(b, -worth)], upper: 0), key, account, &model)
            addRow(Row(sold + [Term(b, -minimum)], lower: 0), key, account, &model)
        }
    }

    /// A row of the minimum or the one direction: in the model in whole shares, else deferred.
    private mutating func addRow(_ row: Row, _ key: Key, _ account: Account, _ model: inout LinearModel) {
        if account.wholeShares {
            model.addConstraint(row.terms, lower: row.lower, upper: row.upper)
            return
        }
        if deferred[key] == nil { deferredKeys.append(key) }
        deferred[key, default: []].append(row)
    }

    /// The accounts and symbols with deferred rows (`missing`: only those whose rows the session
    /// does not have) whose rules `values` breaks: a purchase or a sale between 0 and the
    /// minimum, or both a purchase and a sale.
    private func broken(_ values: [Double], missing: Bool) -> [Key] {
        let epsilon = RebalanceModel.tradeEpsilon
        return deferredKeys.filter { key in
            guard !(missing && added.keys.contains(key)), let order = orders[key] else { return false }
            let bought = order.purchase.map { values[$0.index] } ?? 0
            let sold = order.lots.reduce(0) { $0 + values[$1.index] }
            func under(_ x: Double) -> Bool { x > epsilon && x < order.minimum - epsilon }
            return (order.buyMinimum != nil && under(bought)) || (order.saleMinimum != nil && under(sold))
                || (order.buys != nil && bought > epsilon && sold > epsilon)
        }
    }

    /// Whether `values` keeps every deferred rule (a point found before the session had some of
    /// their rows may break them; one found with them has its binaries to say).
    func keepsDeferredRules(_ values: [Double]) -> Bool {
        deferredKeys.isEmpty || broken(values, missing: false).isEmpty
    }

    /// Adds to `session` the deferred rows of every account and symbol whose rules `values`
    /// breaks (nil: of every one it lacks); how many accounts and symbols that was.
    func addRows(brokenBy values: [Double]?, to session: some SolverSession) throws(LinearProgrammingError) -> Int {
        guard !deferredKeys.isEmpty else { return 0 }
        let keys = values.map { broken($0, missing: true) } ?? deferredKeys.filter { !added.keys.contains($0) }
        for key in keys {
            for row in deferred[key]! { _ = try session.addConstraint(row) }
            added.keys.insert(key)
        }
        if !keys.isEmpty { Trace.log { "orders: the rows of \(keys.count) minimum trades added (\(added.keys.count) of \(deferredKeys.count))" } }
        return keys.count
    }

    /// `values` (a point keeping every order rule) with the deferred rules' binaries set as its
    /// trades say, which their rows then hold whenever the session has them.
    func withBinaries(_ values: [Double]) -> [Double] {
        guard !deferredKeys.isEmpty else { return values }
        let epsilon = RebalanceModel.tradeEpsilon
        var point = values
        for key in deferredKeys {
            guard let order = orders[key] else { continue }
            let bought = order.purchase.map { values[$0.index] } ?? 0
            let sold = order.lots.reduce(0) { $0 + values[$1.index] }
            if let b = order.buyMinimum { point[b.index] = bought > epsilon ? 1 : 0 }
            if let b = order.saleMinimum { point[b.index] = sold > epsilon ? 1 : 0 }
            if let b = order.buys { point[b.index] = bought > epsilon ? 1 : 0 }
        }
        return point
    }

    /// Integer values for every column of the order rules, read off a relaxed solution's trades
    /// and rounded to orders a broker takes: each account's purchases down and its sales up to
    /// whole shares (a sale past the last whole share closes the position where it may), a
    /// symbol both bought and sold kept on its larger side, and a trade under the minimum
    /// dropped. The caller fixes them and solves the LP (which says whether the choice is
    /// feasible, and is exact for it); nil without order rules. Where the relaxation already
    /// trades in executable orders (a minimum trade of $1 rarely binds) this is its own point.
    func choice(from values: [Double]) -> [(variable: Variable, value: Double)]? {
        guard integerColumns > 0 else { return nil }
        let epsilon = RebalanceModel.tradeEpsilon
        var fixed: [(variable: Variable, value: Double)] = []
        var value: [Variable: Double] = [:]
        func set(_ variable: Variable?, _ x: Double) {
            guard let variable else { return }
            fixed.append((variable, x))
            value[variable] = x
        }
        for order in orders.values {
            var bought = order.purchase.map { max(0, values[$0.index]) } ?? 0
            var sold = order.lots.reduce(0) { $0 + max(0, values[$1.index]) }
            if bought > epsilon && sold > epsilon {
                if bought >= sold { sold = 0 } else { bought = 0 }
            }
            var boughtShares = 0.0, soldShares = 0.0, closes = false
            if order.wholeShares {
                boughtShares = (bought / order.price + 1e-9).rounded(.down)
                bought = boughtShares * order.price
                let shares = sold / order.price
                if order.closes != nil && shares > order.whole + 1e-9 {
                    closes = true
                    soldShares = order.whole
                    sold = order.shares * order.price
                } else {
                    soldShares = min(order.whole, (shares - 1e-9).rounded(.up))
                    sold = soldShares * order.price
                }
            }
            if bought < order.minimum - epsilon { bought = 0; boughtShares = 0 }
            if sold < order.minimum - epsilon { sold = 0; soldShares = 0; closes = false }
            set(order.bought, boughtShares)
            set(order.buyMinimum, bought > epsilon ? 1 : 0)
            set(order.sold, soldShares)
            set(order.closes, closes ? 1 : 0)
            set(order.saleMinimum, sold > epsilon ? 1 : 0)
            set(order.buys, bought > epsilon ? 1 : 0)
        }
        for net in nets {
            set(net.n, net.terms.reduce(0) { $0 + $1.coefficient * (value[$1.variable] ?? 0) })
        }
        return fixed + latticeChoice(value)
    }

    /// cash-only's sell cap for account `a` (docs/strategies.md): what it must raise to keep minCash, plus,
    /// where it must raise something and trades whole shares or has a minimum trade, the larger
    /// of `minTrade` and the highest price of a symbol it holds (an order cannot stop at the cent).
    static func cashOnlySellCap(_ household: Household, account a: Int) -> Double {
        let account = household.scenario.accounts[a]
        let need = max(0, account.minCash - account.cash - account.flow)
        guard need > 0, account.hasOrderRules else { return need }
        let highest = household.lotsByAccount[a].map { household.lots[$0].price }.max() ?? 0
        return need + max(account.minTrade, highest)
    }
}
