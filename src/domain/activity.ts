/** What a person is doing in a minute (the schedule's and the report's shared vocabulary). */
export const ActivityKind = { Sleep: 0, Sedentary: 1, Light: 2, Walking: 3, Exercise: 4 } as const;
