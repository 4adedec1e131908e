/// The derived quantities of docs/strategies.md: groups, target weights, lots with their gains, terms,
/// tax rates and look-back flags. Symbols and accounts are referred to by index.
public struct Household: Sendable {
    public struct LotInfo: Sendable {
        public let account: Int
        /// Index of the lot within its account.
        public let index: Int
        public let symbol: Int
        public let shares: Double
        public let price: Double
        public let costBasis: Double
        public let acquired: Day
        public let isLongTerm: Bool
        public let isTaxable: Bool
        /// A taxable loss lot caught by the look-back: another lot of an identical symbol, in any
        /// account, was acquired within 30 days. Its loss would be disallowed.
        public let isLookBack: Bool
        /// r_l: the rate on this lot's gain (0 outside taxable accounts and for look-back losses).
        public let rate: Double
        /// The lot is marked `doNotSell`: nothing sells it (x_l = 0).
        public let doNotSell: Bool

        /// The first date on which the lot is long-term (docs/strategies.md); for a short-term lot, after asOf.
        public var longTermOn: Day { acquired.longTermOn }
        /// g_l: gain per share if sold now.
        public var gainPerShare: Double { price - costBasis / shares }
        /// p·q_l: what selling the whole lot raises.
        public var value: Double { price * shares }
        /// Whether the wash-sale guard covers this lot (a taxable lot at a loss).
        public var isGuardedLoss: Bool { isTaxable && gainPerShare < 0 }
    }

    /// A class of a group (docs/scenario-format.md): a leaf's symbol and its alternates, whose holdings fill
    /// one target together; or a symbol the group holds that is in none of its pie's classes,
    /// alone with target 0.
    public struct Class: Sendable, Equatable {
        /// The leaf's symbol, which names the class (the held symbol itself for a class of its own).
        public let symbol: Int
        /// The members by symbol index: the leaf's symbol first, then its alternates as written.
        public let members: [Int]
        /// w_{G,c}: the class's target fraction of the group's investable value.
        public let target: Double
    }

    public struct Group: Sendable {
        public let name: String
        /// Where errors about this group point.
        public let path: String
        public let accounts: [Int]
        /// w_{G,c} by the symbol of each targeted class (its leaf's symbol); alternates are not
        /// listed (see ``classes``).
        public let targets: [Int: Double]
        /// Symbols the group targets, holds or may fill a class with (alternates), ascending.
        public let symbols: [Int]
        /// The classes the group targets or holds, by their symbol's index ascending. Without
        /// alternates, one class per symbol of ``symbols``.
        public let classes: [Class]
        /// The index in ``classes`` of every symbol of ``symbols``.
        public let classIndex: ClassIndex
        /// V_G.
        public let value: Double
        /// I_G = V_G − Σ minCash.
        public let investable: Double

        /// The class that `symbol` (an index) belongs to in this group, if it is held or targeted here.
        public func classOf(_ symbol: Int) -> Class? { classIndex[symbol].map { classes[$0] } }

        /// w of the class `symbol` belongs to (0 for a symbol in no targeted class).
        public func classTarget(of symbol: Int) -> Double { classOf(symbol)?.target ?? 0 }
    }

    /// The index of each symbol's class in a group's ``Group/classes`` (nil for a symbol in none
    /// of them), by symbol index: a table, not a dictionary, as every model, bound and report
    /// looks classes up lot by lot.
    public struct ClassIndex: Sendable {
        /// -1 for a symbol in no class.
        private let table: [Int]

        init(symbols: Int, classes: [Class]) {
            var table = [Int](repeating: -1, count: symbols)
            for (i, c) in classes.enumerated() { for s in c.members { table[s] = i } }
            self.table = table
        }

        public subscript(_ symbol: Int) -> Int? {
            guard table.indices.contains(symbol), table[symbol] >= 0 else { return nil }
            return table[symbol]
        }
    }

    public var scenario: Scenario { storage.scenario }
    /// Every symbol held or targeted, sorted.
    public var symbols: [String] { storage.symbols }
    public var prices: [Double] { storage.prices }
    public var lots: [LotInfo] { storage.lots }
    /// Lot indices per account.
    public var lotsByAccount: [[Int]] { storage.lotsByAccount }
    public var groups: [Group] { storage.groups }
    /// The group of each account.
    public var groupOfAccount: [Int] { storage.groupOfAccount }
    /// Symbols (by index) that no account may buy now, because a member of their identical
    /// group was sold at a loss within 30 days (`recentSales`); blocked symbols neither held
    /// nor targeted are not listed, as nothing could buy them anyway.
    public var blockedSymbols: Set<Int> { storage.blockedSymbols }
    /// The identical group of each symbol (by index), named by its first member held or
    /// targeted: two symbols are substantially identical iff their `identicalKey`s are equal.
    public var identicalKey: [Int] { storage.identicalKey }
    /// The lots of each group's classes (by group, then class), in the order of the group's
    /// accounts and of their lots: worked out once here, not again by every strategy's model.
    public var classLots: [[[Int]]] { storage.classLots }
    /// The lots of each identical group, by its ``identicalKey`` (empty for a symbol that is not
    /// a key), in household lot order.
    public var identicalLots: [[Int]] { storage.identicalLots }

    /// The values above, shared by every copy: a household is copied into every model, plan and
    /// report made from it, and copying one reference costs a fraction of copying a dozen arrays.
    private let storage: Storage

    /// Whether `other` is a copy of this household (made from the same ``init(_:)``).
    func isSame(as other: Household) -> Bool { storage === other.storage }

    private final class Storage: Sendable {
        let scenario: Scenario
        let symbols: [String]
        let prices: [Double]
        let lots: [LotInfo]
        let lotsByAccount: [[Int]]
        let groups: [Group]
        let groupOfAccount: [Int]
        let blockedSymbols: Set<Int>
        let identicalKey: [Int]
        let classLots: [[[Int]]]
        let identicalLots: [[Int]]

        init(
            scenario: Scenario,
            symbols: [String],
            prices: [Double],
            lots: [LotInfo],
            lotsByAccount: [[Int]],
            groups: [Group],
            groupOfAccount: [Int],
            blockedSymbols: Set<Int>,
            identicalKey: [Int],
            classLots: [[[Int]]],
            identicalLots: [[Int]]
        ) {
            self.scenario = scenario
            self.symbols = symbols
            self.prices = prices
            self.lots = lots
            self.lotsByAccount = lotsByAccount
            self.groups = groups
            self.groupOfAccount = groupOfAccount
            self.blockedSymbols = blockedSymbols
            self.identicalKey = identicalKey
            self.classLots = classLots
            self.identicalLots = identicalLots
        }
    }

    /// Builds the derived quantities; the scenario must have passed validation (prices present).
    public init(_ scenario: Scenario) {
        let accounts = scenario.accounts
        let householdClasses = scenario.pie?.classes ?? []
        let ownClasses = accounts.map { $0.pie?.classes }
        // Every symbol held or targeted, numbered as first met (each lot's symbol looked up
        // once: hashing names was most of this), then sorted.
        // (Lots of one symbol often come together: a run's symbol is looked up once.)
        var met = [String: Int](minimumCapacity: scenario.prices.count)
        var metSymbols: [String] = []
        var last: (symbol: String, k: Int)?
        func meet(_ symbol: String) -> Int {
            if let last, last.symbol == symbol { return last.k }
            // A few symbols met so far are compared by name (cheaper than hashing it).
            let k = (metSymbols.count <= 16 ? metSymbols.firstIndex(of: symbol) : met[symbol]) ?? metSymbols.count
            if k == metSymbols.count {
                met[symbol] = k
                metSymbols.append(symbol)
            }
            last = (symbol, k)
            return k
        }
        var lotMet: [Int] = []
        lotMet.reserveCapacity(accounts.reduce(0) { $0 + $1.lots.count })
        // (Each lot's fields read in place: a `for lot in` loop copies the lot, retaining and
        // releasing its strings.)
        for account in accounts {
            for l in account.lots.indices { lotMet.append(meet(account.lots[l].symbol)) }
        }
        for c in householdClasses + ownClasses.flatMap({ $0 ?? [] }) {
            _ = meet(c.symbol)
            for alternate in c.alternates { _ = meet(alternate) }
        }
        let order = metSymbols.indices.sorted { metSymbols[$0] < metSymbols[$1] }
        let symbols = order.map { metSymbols[$0] }
        var rank = [Int](repeating: 0, count: order.count)
        for (s, k) in order.enumerated() { rank[k] = s }
        let symbolIndex = met.mapValues { rank[$0] }
        /// The symbol index of each lot, in household lot order.
        let lotSymbol = lotMet.map { rank[$0] }
        let prices = symbols.map { scenario.prices[$0] ?? .nan }
        let blockedSymbols = Set(scenario.blockedSymbols.keys.compactMap { symbolIndex[$0] })
        // A symbol in no identical group is its own key (no group to look up: a typical
        // household has none).
        let identicalKey = symbols.indices.map { s in
            guard scenario.identicalGroups.contains(where: { $0.contains(symbols[s]) }) else { return s }
            return scenario.identicalGroup(of: symbols[s]).compactMap { symbolIndex[$0] }.min() ?? s
        }

        // Look-back: lots acquired 30 days or fewer before asOf, in any account, counted by
        // identical group (by its key). A loss lot is caught by any such lot other than itself.
        // (Each lot's, in household lot order.)
        var isRecent: [Bool] = []
        isRecent.reserveCapacity(lotMet.count)
        for account in accounts {
            for l in account.lots.indices { isRecent.append(account.lots[l].acquired.days(to: scenario.asOf) <= 30) }
        }
        var recentLots = [Int](repeating: 0, count: symbols.count)
        for (l, symbol) in lotSymbol.enumerated() where isRecent[l] { recentLots[identicalKey[symbol]] += 1 }

        var lots: [LotInfo] = []
        lots.reserveCapacity(lotSymbol.count)
        var lotsByAccount: [[Int]] = []
        for (a, account) in accounts.enumerated() {
            var indices: [Int] = []
            indices.reserveCapacity(account.lots.count)
            for l in account.lots.indices {
                let (shares, costBasis, acquired, doNotSell) =
                    (account.lots[l].shares, account.lots[l].costBasis, account.lots[l].acquired, account.lots[l].doNotSell)
                let symbol = lotSymbol[lots.count]
                let price = prices[symbol]
                let isLongTerm = scenario.asOf > acquired.oneYearLater
                let isTaxable = account.type == .taxable
                let loss = price - costBasis / shares < 0
                let others = recentLots[identicalKey[symbol]] - (isRecent[lots.count] ? 1 : 0)
                let isLookBack = isTaxable && loss && others > 0
                let rate =
                    !isTaxable || isLookBack
                    ? 0 : (isLongTerm ? scenario.tax.longTermRate : scenario.tax.shortTermRate)
                indices.append(lots.count)
                lots.append(
                    LotInfo(
                        account: a, index: l, symbol: symbol, shares: shares, price: price,
                        costBasis: costBasis, acquired: acquired, isLongTerm: isLongTerm, isTaxable: isTaxable,
                        isLookBack: isLookBack, rate: rate, doNotSell: doNotSell))
            }
            lotsByAccount.append(indices)
        }

        // Groups: the household (accounts without a pie), then each account with its own pie.
        var groups: [Group] = []
        var groupOfAccount = [Int](repeating: 0, count: accounts.count)
        func makeGroup(name: String, path: String, members: [Int], pieClasses: [PieClass]) -> Group {
            var value = 0.0, reserve = 0.0
            // By symbol index (a set's insertions were most of this on 100,000 lots).
            var isHeld = [Bool](repeating: false, count: symbols.count)
            for a in members {
                value += accounts[a].cash + accounts[a].flow
                reserve += accounts[a].minCash
                for l in lotsByAccount[a] {
                    value += lots[l].value
                    isHeld[lots[l].symbol] = true
                }
            }
            let held = symbols.indices.filter { isHeld[$0] }
            // The pie's classes (a symbol in two is kept in the first: the validator refuses
            // that), then every held symbol in none of them as a class of its own.
            var classes: [Class] = []
            // By symbol index, as above.
            var claimed = [Bool](repeating: false, count: symbols.count)
            /// Whether `s` was in no class yet (it is now).
            func claim(_ s: Int) -> Bool {
                defer { claimed[s] = true }
                return !claimed[s]
            }
            for c in pieClasses {
                let members = c.members.map { symbolIndex[$0]! }.filter(claim)
                guard let first = members.first else { continue }
                classes.append(Class(symbol: first, members: members, target: c.target))
            }
            for s in held where claim(s) {
                classes.append(Class(symbol: s, members: [s], target: 0))
            }
            classes.sort { $0.symbol < $1.symbol }
            let classIndex = ClassIndex(symbols: symbols.count, classes: classes)
            var targets = [Int: Double](minimumCapacity: classes.count)
            for c in classes where c.target > 0 { targets[c.symbol] = c.target }
            return Group(
                name: name, path: path, accounts: members, targets: targets, symbols: symbols.indices.filter { claimed[$0] },
                classes: classes, classIndex: classIndex, value: value, investable: value - reserve)
        }
        let shared = accounts.indices.filter { accounts[$0].pie == nil }
        if !shared.isEmpty {
            for a in shared { groupOfAccount[a] = groups.count }
            groups.append(
                makeGroup(
                    name: "the household pie" + (scenario.pie?.name.map { " (\($0))" } ?? ""), path: "pie",
                    members: shared, pieClasses: householdClasses))
        }
        for (a, account) in accounts.enumerated() {
            guard let pieClasses = ownClasses[a] else { continue }
            groupOfAccount[a] = groups.count
            groups.append(
                makeGroup(
                    name: "account \(account.id)" + (account.pie?.name.map { " (\($0))" } ?? ""),
                    path: "accounts[\(a)].pie", members: [a], pieClasses: pieClasses))
        }
        let classLots = groups.map { group in
            Self.buckets(group.classes.count, of: group.accounts.flatMap { lotsByAccount[$0] }) {
                group.classIndex[lots[$0].symbol]
            }
        }
        let identicalLots = Self.buckets(symbols.count, of: Array(lots.indices)) { identicalKey[lots[$0].symbol] }
        storage = Storage(
            scenario: scenario, symbols: symbols, prices: prices, lots: lots, lotsByAccount: lotsByAccount,
            groups: groups, groupOfAccount: groupOfAccount, blockedSymbols: blockedSymbols, identicalKey: identicalKey,
            classLots: classLots, identicalLots: identicalLots)
    }

    /// `items` sorted into `count` buckets by `bucket` (none for nil), each in the items' order:
    /// counted first, so that each bucket is allocated once rather than grown lot by lot.
    private static func buckets(_ count: Int, of items: [Int], by bucket: (Int) -> Int?) -> [[Int]] {
        var sizes = [Int](repeating: 0, count: count)
        for item in items { if let b = bucket(item) { sizes[b] += 1 } }
        var out = sizes.map { size in
            var items: [Int] = []
            items.reserveCapacity(size)
            return items
        }
        for item in items { if let b = bucket(item) { out[b].append(item) } }
        return out
    }

    /// What account `a` can spend at most: its cash, flow and everything it holds, less minCash.
    public func maxSpend(account a: Int) -> Double {
        let account = scenario.accounts[a]
        return account.cash + account.flow - account.minCash + lotsByAccount[a].reduce(0) { $0 + lots[$1].value }
    }

    /// Whether account `a` may buy symbol `s` now: `s` is a member of a class its group targets
    /// (w > 0; the leaf's symbol or an alternate), its `canBuy` menu (if any) lists it, and no
    /// recent loss sale blocks it.
    public func mayBuy(account a: Int, symbol s: Int) -> Bool {
        let group = groups[groupOfAccount[a]]
        return group.classTarget(of: s) > 0 && scenario.accounts[a].mayBuy(symbols[s]) && !blockedSymbols.contains(s)
    }

    /// Σ_G I_G.
    public var totalInvestable: Double { groups.reduce(0) { $0 + $1.investable } }
}
