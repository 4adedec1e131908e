import RebalanceCLI
RebalanceCommand.main()
