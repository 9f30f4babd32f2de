import {createElement, lazy, useState, type ComponentType} from 'react';

/*
 * The screens after the first one. The first frame needs only the header, the environment panel and the key
 * hints; these load while the recipes do (preloadScreens runs right after that frame), so start-up pays for none.
 */
const load = {
	recipe: async () => import('./RecipeScreen.js'),
	target: async () => import('./TargetScreen.js'),
	resume: async () => import('./ResumeScreen.js'),
	deployments: async () => import('./DeploymentsScreen.js'),
	question: async () => import('./QuestionScreen.js'),
	questions: async () => import('./QuestionFlow.js'),
	review: async () => import('./ReviewScreen.js'),
	export: async () => import('./ExportScreen.js'),
	run: async () => import('./RunScreen.js'),
	summary: async () => import('./SummaryScreen.js'),
	error: async () => import('./ErrorScreen.js'),
};

const preloads: Array<() => void> = [];

export function preloadScreens(): void {
	for (const preload of preloads) preload();
}

/**
 * A screen loaded on first use. Once its module is there (preloadScreens), it renders at once instead of through
 * React.lazy, which suspends for a frame on its first render: a key typed right behind the one that opened the
 * screen (Enter, then a move) would find no screen to reach. Each mount keeps the component it started with.
 */
function screen<Module, Props extends object>(loader: () => Promise<Module>, pick: (module: Module) => ComponentType<Props>): ComponentType<Props> {
	let loaded: ComponentType<Props> | undefined;
	const loadScreen = async () => {
		loaded ??= pick(await loader());
		return {default: loaded};
	};

	// A failed preload is not reported here: the screen's first render loads it again and shows that error.
	preloads.push(() => {
		loadScreen().catch(() => undefined);
	});
	const Lazy = lazy(loadScreen);
	return function Screen(props: Props) {
		const [Component] = useState<ComponentType<Props>>(() => loaded ?? Lazy);
		return createElement(Component, props);
	};
}

export const RecipeScreen = screen(load.recipe, module => module.RecipeScreen);
export const TargetScreen = screen(load.target, module => module.TargetScreen);
export const ResumeScreen = screen(load.resume, module => module.ResumeScreen);
export const DeploymentsScreen = screen(load.deployments, module => module.DeploymentsScreen);
export const QuestionScreen = screen(load.question, module => module.QuestionScreen);
export const QuestionFlow = screen(load.questions, module => module.QuestionFlow);
export const ReviewScreen = screen(load.review, module => module.ReviewScreen);
export const ExportScreen = screen(load.export, module => module.ExportScreen);
export const RunScreen = screen(load.run, module => module.RunScreen);
export const SummaryScreen = screen(load.summary, module => module.SummaryScreen);
export const ErrorScreen = screen(load.error, module => module.ErrorScreen);
