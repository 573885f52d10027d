"""The public record of an election: files written by ``saylau publish``."""
