export { DEMO_AGENT, DEMO_BUNDLE_ID, type Demo, demoBanner, startDemo } from './demo';
export { DEMO_HELP, demoMain } from './main';
