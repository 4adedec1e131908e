import Foundation
import RebalanceTestSupport
import Testing

@testable import Rebalancing

/// Whole shares in two accounts of one household group, against listing every plan: the
/// exact-change problem of `band`'s stages where it is hardest for branch and bound, each
/// account's cash spent in whole shares on its own, the drift measured over both, and the
/// wash-sale guard across them (buying a symbol in the tax-deferred account forbids selling its
/// taxable lot at a loss). The households are tiny (two symbols; a taxable account with one lot
/// of each, cash and a deposit; a tax-deferred one with a small lot of each and a little cash),
/// and every stage value is computed here from the contract alone, as in
/// `WholeSharesEnumerationTests`: with t_s (taxable) and u_s (tax-deferred) the whole shares of
/// symbol s bought (> 0) or sold from its lot (< 0, at most the lot),
///   e_A = cash_A + flow − Σ p·t ≥ 0, e_B = cash_B − Σ p·u ≥ 0,
///   I = cash_A + flow + cash_B + Σ p·(q_A + q_B), dev_s = p·(q_A + q_B + t_s + u_s) − w_s·I,
///   D = ½(Σ |dev_s| + e_A + e_B), D_β = ½(Σ max(0, |dev_s| − β·I) + e_A + e_B),
///   Tax = T(S, L) − T(S₀, L₀) over the taxable sales only, LotTax likewise,
///   Turn = Σ p·(|t| + |u|), Harvest = LotTax + cost·Turn;
/// a plan with t_s < 0 on a loss lot and u_s > 0 breaks the guard and is not listed.
@Suite struct WholeSharesTwoAccountEnumerationTests {
    struct Pair {
        var prices: [Double] = [], taxable: [Double] = [], basis: [Double] = [], longTerm: [Bool] = []
        var deferred: [Double] = [], weights: [Double] = []
        var cash = 0.0, flow = 0.0, deferredCash = 0.0
        var realizedST = 0.0, realizedLT = 0.0
        let rST = 0.35, rLT = 0.15, limit = 3000.0, cost = 0.001
        var symbols: [String] { prices.indices.map { "S\($0)" } }

        var yaml: String {
            let priceList = zip(symbols, prices).map { "\($0): \($1)" }.joined(separator: ", ")
            let slices = zip(symbols, weights).map { "{symbol: \($0), weight: \($1)}" }.joined(separator: ", ")
            let taxableLots = symbols.indices.map { s in
                "      - {symbol: \(symbols[s]), shares: \(taxable[s]), costBasis: \(basis[s]), acquired: \(longTerm[s] ? "2021-03-04" : "2026-06-01")}"
            }.joined(separator: "\n")
            let deferredLots = symbols.indices.map { s in
                "      - {symbol: \(symbols[s]), shares: \(deferred[s]), costBasis: \(prices[s] * deferred[s]), acquired: 2020-01-02}"
            }.joined(separator: "\n")
            return """
                asOf: 2026-11-20
                tax:
                  shortTermRate: \(rST)
                  longTermRate: \(rLT)
                  realizedThisYear: {shortTerm: \(realizedST), longTerm: \(realizedLT)}
                  ordinaryOffsetLimit: \(limit)
                  tradingCost: \(cost)
                prices: {\(priceList)}
                pie: {slices: [\(slices)]}
                accounts:
                  - id: brokerage
                    type: taxable
                    cash: \(cash)
                    flow: \(flow)
                    wholeShares: true
                    lots:
                \(taxableLots)
                  - id: ira
                    type: taxDeferred
                    cash: \(deferredCash)
                    wholeShares: true
                    lots:
                \(deferredLots)
                """
        }

        var investable: Double {
            cash + flow + deferredCash + prices.indices.reduce(0) { $0 + prices[$1] * (taxable[$1] + deferred[$1]) }
        }

        func t(_ s: Double, _ l: Double) -> Double {
            WholeSharesEnumerationTests.tax(s, l, shortTermRate: rST, longTermRate: rLT, limit: limit)
        }

        /// The stage measures of taxable trades t and tax-deferred trades u, or nil when either
        /// account spends more than it has or the wash-sale guard is broken.
        func measures(_ t: [Int], _ u: [Int], band: Double) -> [String: Double]? {
            let eA = cash + flow - prices.indices.reduce(0) { $0 + prices[$1] * Double(t[$1]) }
            let eB = deferredCash - prices.indices.reduce(0) { $0 + prices[$1] * Double(u[$1]) }
            guard eA >= -1e-9, eB >= -1e-9 else { return nil }
            let i = investable
            var d = eA + eB, dBand = eA + eB, st = 0.0, lt = 0.0, lotTax = 0.0, turn = 0.0
            for s in prices.indices {
                let loss = prices[s] * taxable[s] < basis[s]
                if loss && t[s] < 0 && u[s] > 0 { return nil }
                let dev = prices[s] * (taxable[s] + deferred[s] + Double(t[s] + u[s])) - weights[s] / 100 * i
                d += abs(dev)
                dBand += max(0, abs(dev) - band / 100 * i)
                turn += prices[s] * Double(abs(t[s]) + abs(u[s]))
                if t[s] < 0 {
                    let gain = (prices[s] - basis[s] / taxable[s]) * Double(-t[s])
                    if longTerm[s] { lt += gain } else { st += gain }
                    lotTax += (longTerm[s] ? rLT : rST) * gain
                }
            }
            let tax = self.t(realizedST + st, realizedLT + lt) - self.t(realizedST, realizedLT)
            return [
                "D": d / 2, "Dβ": dBand / 2, "Tax": tax, "Harvest": lotTax + cost * turn, "Turn": turn,
                "κD+Tax": 0.10 * d / 2 + tax,
            ]
        }

        /// One account's whole-share trades: each symbol sells at most its lot or buys at most
        /// what the money left could (the account's cash and every sale of its own).
        static func trades(prices: [Double], lots: [Double], money: Double) -> [[Int]] {
            var out: [[Int]] = []
            var t = [Int](repeating: 0, count: prices.count)
            func choose(_ s: Int, money: Double) {
                if s == prices.count {
                    if money >= -1e-9 { out.append(t) }
                    return
                }
                let later = (s + 1..<prices.count).reduce(0.0) { $0 + prices[$1] * lots[$1] }
                let most = Int(((money + later) / prices[s] + 1e-9).rounded(.down))
                guard most >= -Int(lots[s]) else { return }
                for n in -Int(lots[s])...most {
                    t[s] = n
                    choose(s + 1, money: money - prices[s] * Double(n))
                }
                t[s] = 0
            }
            choose(0, money: money)
            return out
        }

        func plans(band: Double) -> [[String: Double]] {
            let taxableTrades = Self.trades(prices: prices, lots: taxable, money: cash + flow)
            let deferredTrades = Self.trades(prices: prices, lots: deferred, money: deferredCash)
            var out: [[String: Double]] = []
            for t in taxableTrades {
                for u in deferredTrades { if let m = measures(t, u, band: band) { out.append(m) } }
            }
            return out
        }
    }

    static func pair(seed: UInt64) -> Pair {
        var rng = WholeSharesEnumerationTests.Rng(state: seed &* 40_503 &+ 91)
        var h = Pair()
        for _ in 0..<2 {
            let price = Double(rng.int(4_000...30_000)) / 100
            let shares = Double(rng.int(1...6))
            h.prices.append(price)
            h.taxable.append(shares)
            // Cost basis 60%–140% of the lot's value, to the cent: gains and losses.
            h.basis.append((price * shares * Double(rng.int(60...140))).rounded() / 100)
            h.longTerm.append(rng.int(0...1) == 1)
            h.deferred.append(Double(rng.int(1...3)))
        }
        let w = rng.int(10...90)
        h.weights = [Double(w), Double(100 - w)]
        h.cash = Double(rng.int(0...20_000)) / 100
        h.flow = Double(rng.int(0...1) == 1 ? rng.int(0...60_000) : 0) / 100
        h.deferredCash = Double(rng.int(0...15_000)) / 100
        h.realizedST = Double(rng.int(-2_000...2_000))
        h.realizedLT = Double(rng.int(-2_000...2_000))
        return h
    }

    @Test(arguments: 0..<8, ["band:5", "full", "tax-aware:0.10"])
    func thePlanIsTheBestWholeSharePlan(seed: Int, strategy: String) throws {
        let pair = Self.pair(seed: UInt64(seed))
        let band = strategy.hasPrefix("band:") ? Double(strategy.dropFirst(5))! : 0
        let household = try household(pair.yaml)
        let plan = Planner().plan(household, strategy: try Strategy(parsing: strategy))
        #expect(plan.status == .optimal, "seed \(seed) \(strategy): \(plan.status)")
        #expect(PlanVerifier(household).violations(of: plan) == [])

        // The plan's whole shares per account and symbol (ours: S0, S1 in order).
        let brokerage = try #require(household.scenario.accounts.firstIndex { $0.id == "brokerage" })
        var t = [0, 0], u = [0, 0]
        func add(_ account: Int, _ symbol: Int, _ shares: Double) {
            let s = pair.symbols.firstIndex(of: household.symbols[symbol])!
            #expect(abs(shares - shares.rounded()) < 1e-6)
            if account == brokerage { t[s] += Int(shares.rounded()) } else { u[s] += Int(shares.rounded()) }
        }
        for (l, lot) in household.lots.enumerated() { add(lot.account, lot.symbol, -plan.sharesSold[l]) }
        for purchase in plan.purchases {
            add(purchase.account, purchase.symbol, purchase.amount / household.prices[purchase.symbol])
        }
        let mine = try #require(pair.measures(t, u, band: band), "seed \(seed) \(strategy): the plan overspends or breaks the guard")

        // The stages in order over every plan, as in WholeSharesEnumerationTests.
        let margin = 0.01 + 1e-7 * pair.investable
        var tight = pair.plans(band: band), loose = tight
        for stage in WholeSharesEnumerationTests.stages[strategy]! {
            let bestTight = tight.map { $0[stage]! }.min()!
            let bestLoose = loose.map { $0[stage]! }.min()!
            let value = mine[stage]!
            #expect(value >= bestLoose - 1e-6, "seed \(seed) \(strategy) \(stage): \(value) below every plan's \(bestLoose)")
            #expect(value <= bestTight + margin, "seed \(seed) \(strategy) \(stage): \(value), the best plan \(bestTight)")
            tight = tight.filter { $0[stage]! <= bestTight + 1e-6 }
            loose = loose.filter { $0[stage]! <= bestTight + margin + 1e-9 }
        }
    }
}
