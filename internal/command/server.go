package command

func serverCommands() []*Spec { return nil }
