import {lazy} from 'react';

/*
 * The screens after the first one. The first frame needs only the header, the environment panel and the key
 * hints; these load while the recipes do (preloadScreens runs right after that frame), so start-up pays for none.
 */
const load = {
	recipe: async () => import('./RecipeScreen.js'),
	target: async () => import('./TargetScreen.js'),
	resume: async () => import('./ResumeScreen.js'),
	question: async () => import('./QuestionScreen.js'),
	questions: async () => import('./QuestionFlow.js'),
	review: async () => import('./ReviewScreen.js'),
	export: async () => import('./ExportScreen.js'),
	run: async () => import('./RunScreen.js'),
	summary: async () => import('./SummaryScreen.js'),
	error: async () => import('./ErrorScreen.js'),
};

export function preloadScreens(): void {
	for (const loader of Object.values(load)) void loader();
}

export const RecipeScreen = lazy(async () => ({default: (await load.recipe()).RecipeScreen}));
export const TargetScreen = lazy(async () => ({default: (await load.target()).TargetScreen}));
export const ResumeScreen = lazy(async () => ({default: (await load.resume()).ResumeScreen}));
export const QuestionScreen = lazy(async () => ({default: (await load.question()).QuestionScreen}));
export const QuestionFlow = lazy(async () => ({default: (await load.questions()).QuestionFlow}));
export const ReviewScreen = lazy(async () => ({default: (await load.review()).ReviewScreen}));
export const ExportScreen = lazy(async () => ({default: (await load.export()).ExportScreen}));
export const RunScreen = lazy(async () => ({default: (await load.run()).RunScreen}));
export const SummaryScreen = lazy(async () => ({default: (await load.summary()).SummaryScreen}));
export const ErrorScreen = lazy(async () => ({default: (await load.error()).ErrorScreen}));
