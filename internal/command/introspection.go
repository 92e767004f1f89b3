package command

func introspectionCommands() []*Spec { return nil }
