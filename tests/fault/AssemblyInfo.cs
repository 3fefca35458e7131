// Fault tests stop and start the stack's services and kill workers: one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
