// Who is signed in: the sign-in form, signing in again over the screens, and what their role allows.
export { useMayRequest, useRole } from './access';
export { ReauthDialog } from './ReauthDialog';
export { SignInScreen } from './SignInScreen';
