package command

func stringCommands() []*Spec { return nil }
