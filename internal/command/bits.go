package command

func bitCommands() []*Spec { return nil }
