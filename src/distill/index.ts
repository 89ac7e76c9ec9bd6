export { distill, type DistillOptions, type DistillStudentOptions, type DistillResult } from './distill.js';
export type { DistillReport } from './fidelity.js';
export type { SelectionStep } from './select.js';
export type { Teacher, TeacherKind, TeacherScores, TeacherModel, TeacherFunction } from './teacher.js';
